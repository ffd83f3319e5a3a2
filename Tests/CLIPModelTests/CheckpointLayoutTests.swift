import XCTest
@testable import CLIPModel

final class CheckpointLayoutTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = try temporaryFolder(self)
    }

    func testLayoutsDetected() throws {
        XCTAssertEqual(try CLIPModel.load(path: modelPath("hf-f32-quickgelu")).layout, .huggingFace)
        XCTAssertEqual(try CLIPModel.load(path: modelPath("hf-sharded-f16-gelu")).layout, .huggingFace)
        XCTAssertEqual(try CLIPModel.load(path: modelPath("st-bf16-quickgelu")).layout, .sentenceTransformers)
        XCTAssertEqual(try CLIPModel.load(path: modelPath("openclip-f16-gelu")).layout, .openCLIP)
        XCTAssertEqual(try CLIPModel.load(path: modelPath("openai-bf16-bare.safetensors")).layout, .bareFile)
    }

    func testHuggingFaceConfigRead() throws {
        let model = try CLIPModel.load(path: modelPath("hf-sharded-f16-gelu"))
        let config = model.config
        XCTAssertEqual(config.text.width, 16)
        XCTAssertEqual(config.text.heads, 2)
        XCTAssertEqual(config.text.layers, 2)
        XCTAssertEqual(config.text.mlpWidth, 64)
        XCTAssertEqual(config.text.activation, .gelu)
        XCTAssertEqual(config.vision.width, 48)
        XCTAssertEqual(config.vision.heads, 3)
        XCTAssertEqual(config.imageSize, 32)
        XCTAssertEqual(config.patchSize, 8)
        XCTAssertEqual(config.vocabularySize, 49408)
        XCTAssertEqual(config.contextLength, 77)
        XCTAssertEqual(config.projectionDim, 24)
        XCTAssertEqual(config.textPooling, .firstID(49407))
        XCTAssertEqual(try CLIPModel.load(path: modelPath("hf-f32-quickgelu")).config.textPooling, .highestID)
    }

    func testPreprocessorConfigRead() throws {
        let model = try CLIPModel.load(path: modelPath("hf-f32-quickgelu"))
        XCTAssertEqual(model.preprocess, PreprocessSettings(resizeShortestSide: 36, cropSize: 32, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3]))
        let bare = try CLIPModel.load(path: modelPath("openai-bf16-bare.safetensors"))
        XCTAssertEqual(bare.preprocess, .openAI(imageSize: 32))
    }

    func testBareFileArchitectureInferred() throws {
        let config = try CLIPModel.load(path: modelPath("openai-bf16-bare.safetensors")).config
        XCTAssertEqual(config.text.width, 64)
        XCTAssertEqual(config.text.heads, 1, "heads are width / 64, as OpenAI's build_model")
        XCTAssertEqual(config.vision.heads, 1)
        XCTAssertEqual(config.text.activation, .quickGELU)
        XCTAssertEqual(config.imageSize, 32)
    }

    func testOpenCLIPConfigRead() throws {
        let config = try CLIPModel.load(path: modelPath("openclip-f16-gelu")).config
        XCTAssertEqual(config.text.heads, 2)
        XCTAssertEqual(config.vision.heads, 3, "48 wide with head_width 16")
        XCTAssertEqual(config.vision.activation, .gelu)
    }

    func testModelTokenizerFilesTakePrecedence() throws {
        // A folder's own vocab.json and merges.txt replace the bundled vocab, so broken ones fail the load.
        let model = folder.appendingPathComponent("hf")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: modelPath("hf-f32-quickgelu")), to: model)
        XCTAssertNoThrow(try CLIPModel.load(path: model.path))
        try Data("{}".utf8).write(to: model.appendingPathComponent("vocab.json"))
        try Data("#version: 0.2\n".utf8).write(to: model.appendingPathComponent("merges.txt"))
        XCTAssertThrowsError(try CLIPModel.load(path: model.path)) { error in
            let message = (error as? LocalizedError)?.errorDescription ?? ""
            XCTAssertTrue(message.contains(model.path), message)
        }
    }

    func testUnsupportedPreprocessingRejected() throws {
        let model = folder.appendingPathComponent("hf")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: modelPath("hf-f32-quickgelu")), to: model)
        let configURL = model.appendingPathComponent("preprocessor_config.json")
        let original = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any])
        let cases: [(change: [String: Any], expected: String)] = [
            (["do_center_crop": false], "do_center_crop is false"),
            (["do_normalize": false], "do_normalize is false"),
            (["resample": 2], "resample is 2"),
            (["rescale_factor": 1.0], "rescale_factor is 1.0"),
            (["size": ["height": 32, "width": 32]], "size is {height, width}"),
            (["crop_size": ["height": 32, "width": 40]], "crop_size is 32 x 40"),
            (["size": ["shortest_edge": 4_611_686_018_427_387_904]], "sizes must be 1 to 4096"),
            (["size": 9_223_372_036_854_775_807], "sizes must be 1 to 4096"),
        ]
        for (change, expected) in cases {
            let edited = original.merging(change) { _, new in new }
            try JSONSerialization.data(withJSONObject: edited).write(to: configURL)
            XCTAssertThrowsError(try CLIPModel.load(path: model.path), "\(change)") { error in
                let message = (error as? LocalizedError)?.errorDescription ?? ""
                XCTAssertTrue(message.contains(expected), message)
                XCTAssertTrue(message.contains("preprocessor_config.json"), message)
            }
        }

        // The spellings of transformers 4.x and 5.x that mean CLIP's own preprocessing load.
        let accepted = original.merging(["do_rescale": true, "rescale_factor": 1.0 / 255, "do_convert_rgb": true,
                                         "crop_size": 32, "size": 36]) { _, new in new }
        try JSONSerialization.data(withJSONObject: accepted).write(to: configURL)
        XCTAssertNoThrow(try CLIPModel.load(path: model.path))
    }

    func testOpenCLIPPreprocessChoicesChecked() throws {
        let model = folder.appendingPathComponent("oc")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: modelPath("openclip-f16-gelu")), to: model)
        let configURL = model.appendingPathComponent("open_clip_config.json")
        var config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any])
        let original = try XCTUnwrap(config["preprocess_cfg"] as? [String: Any])
        let cases: [(change: [String: Any], expected: String?)] = [
            (["interpolation": "bicubic", "resize_mode": "shortest"], nil),
            (["interpolation": "bilinear"], "preprocess_cfg.interpolation is 'bilinear'"),
            (["resize_mode": "squash"], "preprocess_cfg.resize_mode is 'squash'"),
        ]
        for (change, expected) in cases {
            config["preprocess_cfg"] = original.merging(change) { _, new in new }
            try JSONSerialization.data(withJSONObject: config).write(to: configURL)
            guard let expected else {
                XCTAssertNoThrow(try CLIPModel.load(path: model.path), "\(change)")
                continue
            }
            XCTAssertThrowsError(try CLIPModel.load(path: model.path), "\(change)") { error in
                let message = (error as? LocalizedError)?.errorDescription ?? ""
                XCTAssertTrue(message.contains(expected), message)
            }
        }
    }

    func testMissingTensorNamed() throws {
        let url = folder.appendingPathComponent("m.safetensors")
        try SafetensorsWriter.rewrite(modelPath("openai-bf16-bare.safetensors"), to: url, drop: "visual.ln_post.bias")
        XCTAssertEqual(loadError(url.path), .missingTensor(path: url.path, tensor: "visual.ln_post.bias"))
        XCTAssertEqual(loadError(url.path)?.errorDescription, "\(url.path): missing tensor 'visual.ln_post.bias'")
    }

    func testWrongShapeNamed() throws {
        let url = folder.appendingPathComponent("s.safetensors")
        try SafetensorsWriter.rewrite(modelPath("openai-bf16-bare.safetensors"), to: url,
                                      reshape: ("transformer.resblocks.1.mlp.c_fc.weight", [128, 64]))
        XCTAssertEqual(loadError(url.path), .shapeMismatch(path: url.path, tensor: "transformer.resblocks.1.mlp.c_fc.weight",
                                                           expected: [256, 64], found: [128, 64]))
    }

    func testDegenerateShapesRejected() throws {
        let rank = folder.appendingPathComponent("rank.safetensors")
        try SafetensorsWriter.rewrite(modelPath("openai-bf16-bare.safetensors"), to: rank,
                                      reshape: ("transformer.resblocks.0.mlp.c_fc.weight", [256]))
        guard case .unsupportedArchitecture(_, let reason) = loadError(rank.path) else { return XCTFail("rank-1 MLP weight accepted") }
        XCTAssertTrue(reason.contains("expected a matrix"), reason)

        let patch = folder.appendingPathComponent("patch.safetensors")
        try SafetensorsWriter.rewrite(modelPath("openai-bf16-bare.safetensors"), to: patch,
                                      reshape: ("visual.conv1.weight", [64, 3, 0, 0]))
        guard case .unsupportedArchitecture(_, let patchReason) = loadError(patch.path) else { return XCTFail("zero patch size accepted") }
        XCTAssertTrue(patchReason.contains("patch size"), patchReason)
    }

    func testCorruptedCheckpointNeverTraps() throws {
        // Change digits in the header of a real fixture (shapes and offsets), so
        // many variants pass the header check and must fail in the layout mapping.
        let model = folder.appendingPathComponent("hf")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: modelPath("hf-f32-quickgelu")), to: model)
        let weights = model.appendingPathComponent("model.safetensors")
        let original = [UInt8](try Data(contentsOf: weights))
        let headerEnd = min(original.count, 8 + Int(original[0]) + Int(original[1]) << 8)
        let digits = (8..<headerEnd).filter { original[$0] >= 48 && original[$0] <= 57 }
        var generator = SplitMix64(seed: 7)
        for _ in 0..<60 {
            var bytes = original
            let position = digits[Int(generator.next() % UInt64(digits.count))]
            bytes[position] = 48 + UInt8(generator.next() % 10)
            try Data(bytes).write(to: weights)
            do {
                let loaded = try CLIPModel.load(path: model.path)
                _ = try loaded.encodeText(ids: [[49406, 320, 49407]])
            } catch {
                XCTAssertTrue(error is CheckpointError, "unexpected error type \(error)")
            }
        }
    }

    func testResNetRejected() throws {
        let url = folder.appendingPathComponent("rn50.safetensors")
        try SafetensorsWriter.write([
            .init(name: "token_embedding.weight", shape: [4, 2], values: [Float](repeating: 0, count: 8)),
            .init(name: "visual.layer1.0.conv1.weight", shape: [1, 1, 1, 1], values: [0]),
        ], to: url)
        guard case .unsupportedArchitecture(_, let reason) = loadError(url.path) else { return XCTFail("not rejected as an architecture") }
        XCTAssertTrue(reason.contains("ResNet"))
    }

    func testOpenCLIPResNetConfigRejected() throws {
        let model = folder.appendingPathComponent("rn")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        try Data(#"{"model_cfg":{"embed_dim":1024,"vision_cfg":{"layers":[3,4,6,3],"width":64}}}"#.utf8)
            .write(to: model.appendingPathComponent("open_clip_config.json"))
        try SafetensorsWriter.write([], to: model.appendingPathComponent("open_clip_model.safetensors"))
        guard case .unsupportedArchitecture(_, let reason) = loadError(model.path) else { return XCTFail("not rejected as an architecture") }
        XCTAssertTrue(reason.contains("ResNet"))
    }

    func testUnknownFolderListsFilesLookedFor() {
        let message = loadError(folder.path)?.errorDescription ?? ""
        XCTAssertTrue(message.contains("modules.json"), message)
        XCTAssertTrue(message.contains("model.safetensors.index.json"), message)
        XCTAssertTrue(message.contains("open_clip_model.safetensors"), message)
    }

    func testMissingPathReported() {
        let path = folder.appendingPathComponent("nothing-here").path
        XCTAssertEqual(loadError(path), .fileNotFound(path: path))
    }

    func testShardOutsideFolderRejected() throws {
        let model = folder.appendingPathComponent("hf")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: modelPath("hf-f32-quickgelu/config.json")),
                                         to: model.appendingPathComponent("config.json"))
        try Data(#"{"weight_map":{"logit_scale":"../secret.safetensors"}}"#.utf8)
            .write(to: model.appendingPathComponent("model.safetensors.index.json"))
        guard case .invalidHeader(_, let reason) = loadError(model.path) else { return XCTFail("index not rejected") }
        XCTAssertTrue(reason.contains("not a file in the model folder"), reason)
    }

    func testInvalidInputsRejected() throws {
        let model = try CLIPModel.load(path: modelPath("hf-f32-quickgelu"))
        XCTAssertThrowsError(try model.encodeText(ids: [[49406, 49408]])) { error in
            XCTAssertEqual(error as? CheckpointError, .invalidTokenID(index: 0, id: 49408, vocabularySize: 49408))
        }
        XCTAssertThrowsError(try model.encodeText(ids: [[1], [Int32](repeating: 1, count: 78)])) { error in
            XCTAssertEqual(error as? CheckpointError, .invalidTokenCount(index: 1, count: 78, contextLength: 77))
        }
        XCTAssertThrowsError(try model.encodeImages([[Float](repeating: 0, count: 10)])) { error in
            XCTAssertEqual(error as? CheckpointError, .invalidImageTensor(index: 0, count: 10, expected: 3 * 32 * 32))
        }
        XCTAssertEqual(try model.encodeText(ids: []), [])
        XCTAssertEqual(try model.encodeImages([]), [])
    }
}
