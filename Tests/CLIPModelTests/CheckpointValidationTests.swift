import XCTest
@testable import CLIPModel

/// Checks that damaged checkpoints and configs that disagree with their tensors are rejected by name.
final class CheckpointValidationTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = try temporaryFolder(self)
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

    func testLayerGapRejectedInEveryLayout() throws {
        // (fixture folder, weights file inside it, layer removed, first tensor of that layer)
        let cases = [
            ("hf-f32-quickgelu", "model.safetensors", "text_model.encoder.layers.0.", "text_model.encoder.layers.0.self_attn.q_proj.weight"),
            ("st-bf16-quickgelu", "0_CLIPModel/model.safetensors", "vision_model.encoder.layers.0.", "vision_model.encoder.layers.0.self_attn.q_proj.weight"),
        ]
        for (fixture, weightsFile, prefix, tensor) in cases {
            let model = try copyFixture(fixture)
            let weights = model.appendingPathComponent(weightsFile)
            try SafetensorsWriter.rewrite(modelPath(fixture + "/" + weightsFile), to: weights, edit: removingTensors(withPrefix: prefix))
            XCTAssertEqual(loadError(model.path), .missingLayer(path: weights.path, tensor: tensor, highestLayer: 1), fixture)
        }

        let bare = folder.appendingPathComponent("gap.safetensors")
        try SafetensorsWriter.rewrite(modelPath("openai-bf16-bare.safetensors"), to: bare,
                                      edit: removingTensors(withPrefix: "visual.transformer.resblocks.0."))
        XCTAssertEqual(loadError(bare.path), .missingLayer(path: bare.path, tensor: "visual.transformer.resblocks.0.attn.in_proj_weight", highestLayer: 1))
    }

    func testHuggingFaceLastLayerMissingRejected() throws {
        // Without the last layer there is no gap, but config.json still states 2 layers.
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

    // MARK: - Config sizes

    func testHuggingFaceConfigSizesChecked() throws {
        let model = try copyFixture("hf-f32-quickgelu")
        let configURL = model.appendingPathComponent("config.json")
        let original = try Data(contentsOf: configURL)
        let cases: [(key: String, value: Any, expected: String)] = [
            ("vision_config.patch_size", 7, "vision_config.patch_size is 7, but the checkpoint has 8 (tensor 'vision_model.embeddings.patch_embedding.weight' of shape [48, 3, 8, 8])"),
            ("vision_config.patch_size", 0, "vision_config.patch_size is 0, but the checkpoint has 8"),
            ("vision_config.patch_size", -16, "vision_config.patch_size is -16, but the checkpoint has 8"),
            ("text_config.hidden_size", 1_000_000_000_000, "text_config.hidden_size is 1000000000000, but the checkpoint has 16"),
            ("text_config.hidden_size", "128", "'text_config.hidden_size' is not an integer: \"128\" (a string)"),
            ("text_config.hidden_size", 16.5, "'text_config.hidden_size' is not an integer"),
            ("vision_config.hidden_size", true, "'vision_config.hidden_size' is not an integer"),
            ("text_config.num_hidden_layers", 0, "text_config.num_hidden_layers is 0, but the checkpoint has 2"),
            ("text_config.num_hidden_layers", 10, "text_config.num_hidden_layers is 10, but the checkpoint has 2"),
            ("vision_config.num_hidden_layers", -1, "vision_config.num_hidden_layers is -1, but the checkpoint has 2"),
            ("text_config.vocab_size", 100, "text_config.vocab_size is 100, but the checkpoint has 49408"),
            ("text_config.max_position_embeddings", 0, "text_config.max_position_embeddings is 0, but the checkpoint has 77"),
            ("projection_dim", 0, "projection_dim is 0, but the checkpoint has 24 (tensor 'text_projection.weight' of shape [24, 16])"),
            ("text_config.intermediate_size", 32, "text_config.intermediate_size is 32, but the checkpoint has 64"),
            ("vision_config.intermediate_size", 0, "vision_config.intermediate_size is 0, but the checkpoint has 192"),
            ("vision_config.num_channels", 1, "vision_config.num_channels is 1, but the checkpoint has 3"),
            ("text_config.num_attention_heads", 5, "text_config.num_attention_heads is 5, which does not divide the text width 16"),
            ("text_config.num_attention_heads", 0, "text_config.num_attention_heads is 0, which does not divide the text width 16"),
            ("vision_config.num_attention_heads", -3, "vision_config.num_attention_heads is -3, which does not divide the vision width 48"),
            ("vision_config.num_attention_heads", 1_000_000_000_000, "vision_config.num_attention_heads is 1000000000000, which does not divide"),
        ]
        for (key, value, expected) in cases {
            try original.write(to: configURL)
            try editJSON(configURL) { $0[key] = value }
            let message = loadError(model.path)?.errorDescription ?? ""
            XCTAssertTrue(message.contains(expected), "\(key) = \(value): \(message)")
            XCTAssertTrue(message.hasPrefix(configURL.path), "\(key) = \(value): \(message)")
        }

        // The values the tensors give, and keys left out, load as before.
        try original.write(to: configURL)
        try editJSON(configURL) { config in
            config["text_config.hidden_size"] = 16
            config["vision_config.patch_size"] = 8
            config["text_config.projection_dim"] = 512
            config["text_config.intermediate_size"] = Removed()
            config["projection_dim"] = Removed()
        }
        XCTAssertNoThrow(try CLIPModel.load(path: model.path))
    }

    func testOpenCLIPConfigSizesChecked() throws {
        let model = try copyFixture("openclip-f16-gelu")
        let configURL = model.appendingPathComponent("open_clip_config.json")
        let original = try Data(contentsOf: configURL)
        let cases: [(key: String, value: Any, expected: String)] = [
            ("model_cfg.embed_dim", 10, "model_cfg.embed_dim is 10, but the checkpoint has 24"),
            ("model_cfg.text_cfg.width", 32, "model_cfg.text_cfg.width is 32, but the checkpoint has 16"),
            ("model_cfg.text_cfg.vocab_size", 100, "model_cfg.text_cfg.vocab_size is 100, but the checkpoint has 49408"),
            ("model_cfg.text_cfg.context_length", 0, "model_cfg.text_cfg.context_length is 0, but the checkpoint has 77"),
            ("model_cfg.text_cfg.heads", 5, "model_cfg.text_cfg.heads is 5, which does not divide the text width 16"),
            ("model_cfg.text_cfg.mlp_ratio", 2.0, "model_cfg.text_cfg.mlp_ratio is 2.0, so the MLP width would be 16 x 2.0, but the checkpoint's is 64"),
            ("model_cfg.vision_cfg.width", 64, "model_cfg.vision_cfg.width is 64, but the checkpoint has 48"),
            ("model_cfg.vision_cfg.patch_size", 7, "model_cfg.vision_cfg.patch_size is 7, but the checkpoint has 8"),
            ("model_cfg.vision_cfg.head_width", 0, "model_cfg.vision_cfg.head_width is 0, which does not divide the vision width 48"),
            ("model_cfg.vision_cfg.head_width", 20, "model_cfg.vision_cfg.head_width is 20, which does not divide the vision width 48"),
            ("model_cfg.vision_cfg.mlp_ratio", "4", "'model_cfg.vision_cfg.mlp_ratio' is not a number"),
        ]
        for (key, value, expected) in cases {
            try original.write(to: configURL)
            try editJSON(configURL) { $0[key] = value }
            let message = loadError(model.path)?.errorDescription ?? ""
            XCTAssertTrue(message.contains(expected), "\(key) = \(value): \(message)")
            XCTAssertTrue(message.hasPrefix(configURL.path), "\(key) = \(value): \(message)")
        }

        try original.write(to: configURL)
        try editJSON(configURL) { config in
            config["model_cfg.text_cfg.mlp_ratio"] = 4.0
            config["model_cfg.vision_cfg.mlp_ratio"] = 4
        }
        XCTAssertNoThrow(try CLIPModel.load(path: model.path))
    }

    func testShippedModelsStillLoad() throws {
        for name in ["hf-f32-quickgelu", "hf-sharded-f16-gelu", "hf-torch-f16-gelu", "openclip-f16-gelu",
                     "st-bf16-quickgelu", "openai-bf16-bare.safetensors"] {
            XCTAssertNoThrow(try CLIPModel.load(path: modelPath(name)), name)
        }
        XCTAssertNoThrow(try CLIPModel.load(path: demoModelURL().path))
    }

    // MARK: - End-of-text id

    func testEndOfTextIDChecked() throws {
        let model = try copyFixture("hf-f32-quickgelu")
        let configURL = model.appendingPathComponent("config.json")
        let cases: [(value: Any, expected: String)] = [
            (-5, "text_config.eos_token_id is -5, outside the vocab of 49408 tokens (ids 0 to 49407)"),
            (1_000_000_000_000, "text_config.eos_token_id is 1000000000000, outside the vocab of 49408 tokens"),
            (49408, "text_config.eos_token_id is 49408, outside the vocab"),
            (100, "text_config.eos_token_id is 100, but <|endoftext|> is id 49407 in the bundled vocab"),
            ("49407", "'text_config.eos_token_id' is not an integer"),
        ]
        for (value, expected) in cases {
            try editJSON(configURL) { $0["text_config.eos_token_id"] = value }
            let message = loadError(model.path)?.errorDescription ?? ""
            XCTAssertTrue(message.contains(expected), "\(value): \(message)")
            XCTAssertTrue(message.hasPrefix(configURL.path), "\(value): \(message)")
        }

        // 49407 pools at the first <|endoftext|>, 2 and a missing key at the highest id, as before.
        let accepted: [(value: Any, pooling: TextPooling)] = [(49407, .firstID(49407)), (2, .highestID), (Removed(), .highestID)]
        for (value, pooling) in accepted {
            try editJSON(configURL) { $0["text_config.eos_token_id"] = value }
            XCTAssertEqual(try CLIPModel.load(path: model.path).config.textPooling, pooling, "\(value)")
        }
    }

    func testEndOfTextIDFollowsFolderVocab() throws {
        // Swapping the two special tokens in vocab.json keeps it valid but moves <|endoftext|> to id 49406.
        let model = folder.appendingPathComponent("demo")
        try FileManager.default.copyItem(at: demoModelURL(), to: model)
        let vocabURL = model.appendingPathComponent("vocab.json")
        var vocab = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: vocabURL)) as? [String: Int])
        vocab["<|startoftext|>"] = 49407
        vocab["<|endoftext|>"] = 49406
        try JSONSerialization.data(withJSONObject: vocab).write(to: vocabURL)

        let message = loadError(model.path)?.errorDescription ?? ""
        XCTAssertTrue(message.contains("text_config.eos_token_id is 49407, but <|endoftext|> is id 49406 in \(vocabURL.path)"), message)

        try editJSON(model.appendingPathComponent("config.json")) { $0["text_config.eos_token_id"] = 49406 }
        XCTAssertEqual(try CLIPModel.load(path: model.path).config.textPooling, .firstID(49406))
    }

    // MARK: - Messages

    func testMissingConfigSectionNamed() throws {
        let model = try copyFixture("hf-f32-quickgelu")
        let configURL = model.appendingPathComponent("config.json")
        let original = try Data(contentsOf: configURL)
        let cases: [(key: String, value: Any, expected: String)] = [
            ("vision_config", NSNull(), "'vision_config' is null; a CLIPModel config.json needs text_config and vision_config objects"),
            ("vision_config", Removed(), "'vision_config' is missing"),
            ("text_config", Removed(), "'text_config' is missing"),
            ("vision_config", "ViT-B/32", "'vision_config' is not an object"),
        ]
        for (key, value, expected) in cases {
            try original.write(to: configURL)
            try editJSON(configURL) { $0[key] = value }
            let message = loadError(model.path)?.errorDescription ?? ""
            XCTAssertTrue(message.contains(expected), "\(key) = \(value): \(message)")
            XCTAssertFalse(message.contains("divisible"), message)
        }
    }

    func testLayerNormEpsilonRangeNamed() throws {
        let model = try copyFixture("hf-f32-quickgelu")
        let configURL = model.appendingPathComponent("config.json")
        let cases: [(value: Any, expected: String)] = [
            (1e300, "text_config.layer_norm_eps is 1e+300, out of range"),
            (1e-50, "text_config.layer_norm_eps is 1e-50, out of range"),
            (0, "text_config.layer_norm_eps is 0.0, out of range"),
            (-1e-5, "text_config.layer_norm_eps is -1e-05, out of range"),
            ("1e-5", "'text_config.layer_norm_eps' is not a number"),
        ]
        for (value, expected) in cases {
            try editJSON(configURL) { $0["text_config.layer_norm_eps"] = value }
            let message = loadError(model.path)?.errorDescription ?? ""
            XCTAssertTrue(message.contains(expected), "\(value): \(message)")
            XCTAssertFalse(message.contains("inf"), message)
        }
        try editJSON(configURL) { $0["text_config.layer_norm_eps"] = 1e-6 }
        XCTAssertEqual(try CLIPModel.load(path: model.path).config.text.layerNormEpsilon, 1e-6)
    }

    func testEmptyVocabNamed() throws {
        let model = folder.appendingPathComponent("demo")
        try FileManager.default.copyItem(at: demoModelURL(), to: model)
        let vocabURL = model.appendingPathComponent("vocab.json")
        let cases: [(content: String, expected: String)] = [
            ("", "vocab.json is empty; copy it again from the model's repository"),
            (" \n", "vocab.json is empty"),
            ("[1, 2]", "vocab.json is not a JSON object of token to id"),
            ("{\"a\": ", "vocab.json is not a JSON object of token to id"),
        ]
        for (content, expected) in cases {
            try Data(content.utf8).write(to: vocabURL)
            XCTAssertThrowsError(try CLIPModel.load(path: model.path), content) { error in
                let message = (error as? LocalizedError)?.errorDescription ?? ""
                XCTAssertTrue(message.contains(expected), message)
                XCTAssertTrue(message.contains(vocabURL.path), message)
                XCTAssertFalse(message.contains("correct format"), message)
            }
        }
    }

    // MARK: - Helpers

    /// Models/clip-demo-shapes, found from this file's path three levels below the package root.
    func demoModelURL() -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/clip-demo-shapes")
    }

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
