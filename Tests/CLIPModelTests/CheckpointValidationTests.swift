import XCTest
@testable import CLIPModel

/// Checks that damaged checkpoints and configs that disagree with their tensors are rejected by name.
final class CheckpointValidationTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = try temporaryFolder(self)
    }

    func loadError(_ path: String, file: StaticString = #filePath, line: UInt = #line) -> CheckpointError? {
        do {
            _ = try CLIPModel.load(path: path)
            XCTFail("loaded \(path)", file: file, line: line)
            return nil
        } catch {
            XCTAssertTrue(error is CheckpointError, "unexpected error \(error)", file: file, line: line)
            return error as? CheckpointError
        }
    }

    /// Copies a fixture folder into the test's temporary folder.
    func copyFixture(_ name: String) throws -> URL {
        let copy = folder.appendingPathComponent(name)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: modelPath(name)), to: copy)
        return copy
    }

    func removingTensors(withPrefix prefix: String) -> (inout [SafetensorsWriter.Tensor]) -> Void {
        { tensors in tensors.removeAll { $0.name.hasPrefix(prefix) } }
    }

    // MARK: - Layer counts

    func testMiddleLayerGapRejected() throws {
        // Layer 1 copied to layer 2 makes a 3-layer text tower; deleting layer 1 then leaves a gap.
        let threeLayers = folder.appendingPathComponent("three.safetensors")
        try SafetensorsWriter.rewrite(modelPath("openai-bf16-bare.safetensors"), to: threeLayers) { tensors in
            let copies = tensors.filter { $0.name.hasPrefix("transformer.resblocks.1.") }.map {
                SafetensorsWriter.Tensor(name: $0.name.replacingOccurrences(of: ".resblocks.1.", with: ".resblocks.2."),
                                         shape: $0.shape, values: $0.values)
            }
            tensors += copies
        }
        XCTAssertEqual(try CLIPModel.load(path: threeLayers.path).config.text.layers, 3)

        let gap = folder.appendingPathComponent("gap.safetensors")
        try SafetensorsWriter.rewrite(threeLayers.path, to: gap, edit: removingTensors(withPrefix: "transformer.resblocks.1."))
        XCTAssertEqual(loadError(gap.path), .missingLayer(path: gap.path, tensor: "transformer.resblocks.1.attn.in_proj_weight", highestLayer: 2))
        XCTAssertEqual(loadError(gap.path)?.errorDescription,
                       "\(gap.path): missing tensor 'transformer.resblocks.1.attn.in_proj_weight', although the checkpoint has layers up to 2; the file is incomplete, so download or convert it again")
    }

    func testVisionLayerGapRejected() throws {
        let gap = folder.appendingPathComponent("gap.safetensors")
        try SafetensorsWriter.rewrite(modelPath("openai-bf16-bare.safetensors"), to: gap,
                                      edit: removingTensors(withPrefix: "visual.transformer.resblocks.0."))
        XCTAssertEqual(loadError(gap.path), .missingLayer(path: gap.path, tensor: "visual.transformer.resblocks.0.attn.in_proj_weight", highestLayer: 1))
    }

    func testHuggingFaceLayerGapRejected() throws {
        let model = try copyFixture("hf-f32-quickgelu")
        let weights = model.appendingPathComponent("model.safetensors")
        try SafetensorsWriter.rewrite(modelPath("hf-f32-quickgelu/model.safetensors"), to: weights,
                                      edit: removingTensors(withPrefix: "text_model.encoder.layers.0."))
        XCTAssertEqual(loadError(model.path), .missingLayer(path: weights.path, tensor: "text_model.encoder.layers.0.self_attn.q_proj.weight", highestLayer: 1))
    }

    func testHuggingFaceLastLayerMissingRejected() throws {
        // Without the last layer there is no gap, but config.json still says 2 layers.
        let model = try copyFixture("hf-f32-quickgelu")
        let weights = model.appendingPathComponent("model.safetensors")
        try SafetensorsWriter.rewrite(modelPath("hf-f32-quickgelu/model.safetensors"), to: weights,
                                      edit: removingTensors(withPrefix: "vision_model.encoder.layers.1."))
        let error = loadError(model.path)
        XCTAssertEqual(error, .configMismatch(path: model.appendingPathComponent("config.json").path, key: "vision_config.num_hidden_layers",
                                              configValue: "2", checkpointValue: 1,
                                              evidence: "only layer 0, 'vision_model.encoder.layers.0.*'"))
        let message = error?.errorDescription ?? ""
        XCTAssertTrue(message.contains("vision_config.num_hidden_layers is 2, but the checkpoint has 1"), message)
    }

    func testSentenceTransformersLayerGapRejected() throws {
        let model = try copyFixture("st-bf16-quickgelu")
        let weights = model.appendingPathComponent("0_CLIPModel/model.safetensors")
        try SafetensorsWriter.rewrite(modelPath("st-bf16-quickgelu/0_CLIPModel/model.safetensors"), to: weights,
                                      edit: removingTensors(withPrefix: "vision_model.encoder.layers.0."))
        XCTAssertEqual(loadError(model.path), .missingLayer(path: weights.path, tensor: "vision_model.encoder.layers.0.self_attn.q_proj.weight", highestLayer: 1))
    }

    func testOpenCLIPLayerGapAndCountRejected() throws {
        let model = try copyFixture("openclip-f16-gelu")
        let weights = model.appendingPathComponent("open_clip_model.safetensors")
        try SafetensorsWriter.rewrite(modelPath("openclip-f16-gelu/open_clip_model.safetensors"), to: weights,
                                      edit: removingTensors(withPrefix: "transformer.resblocks.0."))
        XCTAssertEqual(loadError(model.path), .missingLayer(path: weights.path, tensor: "transformer.resblocks.0.attn.in_proj_weight", highestLayer: 1))

        try FileManager.default.removeItem(at: weights)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: modelPath("openclip-f16-gelu/open_clip_model.safetensors")), to: weights)
        try editJSON(model.appendingPathComponent("open_clip_config.json")) { config in
            config["model_cfg.text_cfg.layers"] = 3
        }
        let message = loadError(model.path)?.errorDescription ?? ""
        XCTAssertTrue(message.contains("model_cfg.text_cfg.layers is 3, but the checkpoint has 2"), message)
    }

    // MARK: - Helpers

    /// A value for `editJSON` that deletes the key.
    struct Removed {}

    /// Rewrites a JSON file, setting each dotted key path in `change` (a `Removed` value deletes the key).
    func editJSON(_ url: URL, _ change: (inout [String: Any]) -> Void) throws {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var changes: [String: Any] = [:]
        change(&changes)
        var edited = object
        for (keyPath, value) in changes {
            edited = setting(value, at: keyPath.split(separator: ".").map(String.init), in: edited)
        }
        try JSONSerialization.data(withJSONObject: edited).write(to: url)
    }

    private func setting(_ value: Any, at keys: [String], in object: [String: Any]) -> [String: Any] {
        var result = object
        guard let first = keys.first else { return result }
        if keys.count == 1 {
            result[first] = value is Removed ? nil : value
            return result
        }
        result[first] = setting(value, at: Array(keys.dropFirst()), in: result[first] as? [String: Any] ?? [:])
        return result
    }
}
