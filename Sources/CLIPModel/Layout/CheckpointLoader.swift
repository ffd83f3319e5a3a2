import CLIPTokenizer
import Foundation

/// Image preprocessing settings found beside a checkpoint.
struct PreprocessSettings: Equatable {
    var resizeShortestSide: Int
    var cropSize: Int
    var mean: [Float]
    var std: [Float]

    /// OpenAI's normalization constants from clip/clip.py.
    static let openAIMean: [Float] = [0.48145466, 0.4578275, 0.40821073]
    static let openAIStd: [Float] = [0.26862954, 0.26130258, 0.27577711]

    static func openAI(imageSize: Int) -> PreprocessSettings {
        PreprocessSettings(resizeShortestSide: imageSize, cropSize: imageSize, mean: openAIMean, std: openAIStd)
    }
}

/// Everything read from a checkpoint path: weights, settings and the files found.
struct LoadedCheckpoint {
    var mapped: MappedCheckpoint
    var layout: CheckpointLayout
    var preprocess: PreprocessSettings
    /// The model's own vocab.json and merges.txt, when the folder has both.
    var tokenizerFiles: (vocab: URL, merges: URL)?
}

/// The ways CLIP checkpoints are published.
public enum CheckpointLayout: String, Sendable {
    /// A transformers folder: config.json and model.safetensors (or shards).
    case huggingFace = "Hugging Face transformers folder"
    /// A sentence-transformers folder whose modules.json points at a CLIPModel subfolder.
    case sentenceTransformers = "sentence-transformers folder"
    /// open_clip_config.json and open_clip_model.safetensors with OpenAI tensor names.
    case openCLIP = "open_clip hub folder"
    /// A single .safetensors, .bin, .pt or .pth file with OpenAI or transformers tensor names.
    case bareFile = "single checkpoint file"
}

enum CheckpointLoader {
    /// The files looked for in a folder, in order, for the unknown-layout message.
    static let folderFiles = [
        "modules.json (sentence-transformers)",
        "config.json with model.safetensors, model.safetensors.index.json or pytorch_model.bin (transformers)",
        "open_clip_config.json with open_clip_model.safetensors or open_clip_pytorch_model.bin (open_clip)",
    ]

    static func load(path: String) throws -> LoadedCheckpoint {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CheckpointError.fileNotFound(path: path)
        }
        if !isDirectory.boolValue {
            return try loadFile(path)
        }

        let folder = URL(fileURLWithPath: path)
        let exists = { (name: String) in FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) }
        if exists("modules.json") {
            return try loadSentenceTransformers(folder)
        }
        if exists("config.json") {
            var loaded = try loadHuggingFace(folder)
            loaded.layout = .huggingFace
            return loaded
        }
        if exists("open_clip_config.json") {
            return try loadOpenCLIP(folder)
        }
        throw CheckpointError.unknownLayout(path: path, lookedFor: folderFiles)
    }

    // MARK: - Single files

    private static func loadFile(_ path: String) throws -> LoadedCheckpoint {
        let lowercased = path.lowercased()
        let source: TensorSource
        if lowercased.hasSuffix(".safetensors") {
            source = try SafetensorsFile(path: path)
        } else if lowercased.hasSuffix(".bin") || lowercased.hasSuffix(".pt") || lowercased.hasSuffix(".pth") {
            source = try TorchCheckpoint.open(path: path)
        } else {
            throw CheckpointError.unknownLayout(
                path: path, lookedFor: ["a .safetensors, .bin, .pt or .pth file", "a model folder with " + folderFiles.joined(separator: " or ")])
        }

        let reader = WeightReader(source: source)
        let mapped: MappedCheckpoint
        if reader.has("text_model.embeddings.token_embedding.weight") {
            mapped = try HuggingFaceWeights.map(reader, config: nil)
        } else if reader.has("token_embedding.weight") || reader.has("visual.conv1.weight") {
            mapped = try OpenAIWeights.map(reader, hints: OpenAIArchitectureHints())
        } else {
            throw CheckpointError.unknownLayout(
                path: path, lookedFor: ["OpenAI tensor names (token_embedding.weight, visual.conv1.weight)",
                                        "transformers tensor names (text_model.embeddings.token_embedding.weight)"])
        }
        return LoadedCheckpoint(mapped: mapped, layout: .bareFile,
                                preprocess: .openAI(imageSize: mapped.config.imageSize), tokenizerFiles: nil)
    }

    /// Opens the first of `names` that exists in `folder`, as safetensors or a PyTorch archive by extension.
    private static func openFirst(of names: [String], in folder: URL) throws -> TensorSource {
        for name in names {
            let path = folder.appendingPathComponent(name).path
            guard FileManager.default.fileExists(atPath: path) else { continue }
            if name.hasSuffix(".safetensors") { return try SafetensorsFile(path: path) }
            if name.hasSuffix(".safetensors.index.json") { return try ShardedSafetensors(indexPath: path) }
            return try TorchCheckpoint.open(path: path)
        }
        throw CheckpointError.unknownLayout(path: folder.path, lookedFor: names)
    }

    // MARK: - Folders

    private static func loadHuggingFace(_ folder: URL) throws -> LoadedCheckpoint {
        let configPath = folder.appendingPathComponent("config.json").path
        let json = try JSONConfig(contentsOf: configPath)
        // transformers' own order of preference.
        let source = try openFirst(of: ["model.safetensors", "model.safetensors.index.json",
                                        "pytorch_model.bin", "pytorch_model.bin.index.json"], in: folder)
        let mapped = try HuggingFaceWeights.map(WeightReader(source: source), config: json)
        let preprocess = try readPreprocessorConfig(folder, imageSize: mapped.config.imageSize)
        let vocab = folder.appendingPathComponent("vocab.json")
        let merges = folder.appendingPathComponent("merges.txt")
        let hasTokenizer = FileManager.default.fileExists(atPath: vocab.path) && FileManager.default.fileExists(atPath: merges.path)
        return LoadedCheckpoint(mapped: mapped, layout: .huggingFace, preprocess: preprocess,
                                tokenizerFiles: hasTokenizer ? (vocab, merges) : nil)
    }

    private static func loadSentenceTransformers(_ folder: URL) throws -> LoadedCheckpoint {
        let modulesPath = folder.appendingPathComponent("modules.json").path
        guard let data = FileManager.default.contents(atPath: modulesPath),
              let modules = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
            throw CheckpointError.invalidConfig(path: modulesPath, reason: "expected a JSON array of module objects")
        }
        guard let clip = modules.first(where: { ($0["type"] as? String)?.hasSuffix("CLIPModel") == true }),
              let subfolder = clip["path"] as? String else {
            throw CheckpointError.unsupportedArchitecture(
                path: modulesPath, reason: "no module of type sentence_transformers.models.CLIPModel")
        }
        guard !subfolder.contains(".."), !subfolder.hasPrefix("/") else {
            throw CheckpointError.invalidConfig(path: modulesPath, reason: "module path '\(subfolder)' leaves the model folder")
        }
        let modelFolder = subfolder.isEmpty ? folder : folder.appendingPathComponent(subfolder)
        guard FileManager.default.fileExists(atPath: modelFolder.appendingPathComponent("config.json").path) else {
            throw CheckpointError.unknownLayout(path: modelFolder.path, lookedFor: ["config.json"])
        }
        var loaded = try loadHuggingFace(modelFolder)
        loaded.layout = .sentenceTransformers
        return loaded
    }

    private static func loadOpenCLIP(_ folder: URL) throws -> LoadedCheckpoint {
        let configPath = folder.appendingPathComponent("open_clip_config.json").path
        let json = try JSONConfig(contentsOf: configPath)
        guard let model = try json.child("model_cfg") else {
            throw CheckpointError.invalidConfig(path: configPath, reason: "missing 'model_cfg'")
        }
        let vision = try model.child("vision_cfg")
        let text = try model.child("text_cfg")
        if vision?.object["layers"] is [Any] {
            throw CheckpointError.unsupportedArchitecture(
                path: configPath, reason: "vision_cfg.layers is a list, which is a ResNet CLIP; only ViT CLIP models are supported")
        }
        for key in ["timm_model_name", "attentional_pool"] where vision?.has(key) == true {
            throw CheckpointError.unsupportedArchitecture(path: configPath, reason: "vision_cfg.\(key) is set; only OpenAI-style ViT towers are supported")
        }
        if let pool = try vision?.string("pool_type"), pool != "tok" {
            throw CheckpointError.unsupportedArchitecture(path: configPath, reason: "vision_cfg.pool_type is '\(pool)'; only class-token pooling ('tok') is supported")
        }
        if text?.has("hf_model_name") == true {
            throw CheckpointError.unsupportedArchitecture(path: configPath, reason: "text_cfg.hf_model_name is set; only OpenAI-style text towers are supported")
        }
        try rejectOpenCLIPVariants(vision: vision, text: text, path: configPath)
        if let pool = try text?.string("pool_type"), pool != "argmax" {
            throw CheckpointError.unsupportedArchitecture(path: configPath, reason: "text_cfg.pool_type is '\(pool)'; only 'argmax' pooling is supported")
        }

        // open_clip's defaults: GELU unless quick_gelu, 8 text heads, 64-wide vision heads.
        let hints = OpenAIArchitectureHints(
            textHeads: try text?.int("heads") ?? 8,
            visionHeadWidth: try vision?.int("head_width") ?? 64,
            activation: (try model.bool("quick_gelu") ?? false) ? .quickGELU : .gelu,
            configPath: configPath,
            imageSize: try vision?.int("image_size"),
            modelConfig: model, textConfig: text, visionConfig: vision)
        let source = try openFirst(of: ["open_clip_model.safetensors", "open_clip_pytorch_model.bin"], in: folder)
        let mapped = try OpenAIWeights.map(WeightReader(source: source), hints: hints)

        var preprocess = PreprocessSettings.openAI(imageSize: mapped.config.imageSize)
        if let settings = try json.child("preprocess_cfg") {
            preprocess.mean = try settings.floats("mean") ?? preprocess.mean
            preprocess.std = try settings.floats("std") ?? preprocess.std
            // open_clip's other choices change the model's input pixels, so they are rejected, not ignored.
            if let interpolation = try settings.string("interpolation"), interpolation != "bicubic" {
                throw CheckpointError.invalidConfig(path: configPath, reason: "preprocess_cfg.interpolation is '\(interpolation)', but clip-explorer resizes with bicubic, as OpenAI's CLIP does; set it to 'bicubic' to accept that")
            }
            if let mode = try settings.string("resize_mode"), mode != "shortest" {
                throw CheckpointError.invalidConfig(path: configPath, reason: "preprocess_cfg.resize_mode is '\(mode)', but clip-explorer resizes the shortest side and center-crops, as OpenAI's CLIP does; set it to 'shortest' to accept that")
            }
        }
        try checkNormalization(preprocess, path: configPath)
        return LoadedCheckpoint(mapped: mapped, layout: .openCLIP, preprocess: preprocess, tokenizerFiles: nil)
    }

    /// Rejects open_clip tower options that change the computation away from OpenAI's ViT CLIP.
    private static func rejectOpenCLIPVariants(vision: JSONConfig?, text: JSONConfig?, path: String) throws {
        let flags = ["no_ln_pre", "final_ln_after_pool", "embed_cls", "no_causal_mask", "proj_bias", "qk_norm",
                     "scaled_cosine_attn", "scale_heads", "scale_attn_inner", "scale_attn", "scale_fc"]
        for (tower, json) in [("vision_cfg", vision), ("text_cfg", text)] {
            guard let json else { continue }
            for flag in flags where try json.bool(flag) == true {
                throw CheckpointError.unsupportedArchitecture(path: path, reason: "\(tower).\(flag) is true; only OpenAI-style ViT CLIP towers are supported")
            }
            if json.has("ls_init_value") {
                throw CheckpointError.unsupportedArchitecture(path: path, reason: "\(tower).ls_init_value is set (layer scale); only OpenAI-style ViT CLIP towers are supported")
            }
        }
        if let type = try text?.string("proj_type"), type != "linear" {
            throw CheckpointError.unsupportedArchitecture(path: path, reason: "text_cfg.proj_type is '\(type)'; only 'linear' is supported")
        }
        if let type = try vision?.string("pos_embed_type"), type != "learnable" {
            throw CheckpointError.unsupportedArchitecture(path: path, reason: "vision_cfg.pos_embed_type is '\(type)'; only 'learnable' is supported")
        }
    }

    /// Reads preprocessor_config.json when present: size (shortest edge), crop size, mean and std.
    private static func readPreprocessorConfig(_ folder: URL, imageSize: Int) throws -> PreprocessSettings {
        var settings = PreprocessSettings.openAI(imageSize: imageSize)
        let path = folder.appendingPathComponent("preprocessor_config.json").path
        guard FileManager.default.fileExists(atPath: path) else { return settings }
        let json = try JSONConfig(contentsOf: path)
        try checkPreprocessSteps(json, path: path)

        // transformers 4.x wrote "size": 224 and "crop_size": 224 (as in openai/clip-vit-base-patch32);
        // later versions write objects.
        if json.isObject("size"), let size = try json.child("size") {
            if let edge = try size.int("shortest_edge") {
                settings.resizeShortestSide = edge
            } else if size.has("height") || size.has("width") {
                // CLIPImageProcessor then resizes to exactly height x width, changing the aspect ratio.
                throw CheckpointError.invalidConfig(path: path, reason: "size is {height, width}, which stretches pictures to that shape; clip-explorer resizes the shortest side as OpenAI's CLIP does, so set \"size\": {\"shortest_edge\": N}")
            }
        } else if let size = try json.int("size") {
            settings.resizeShortestSide = size
        }
        if json.isObject("crop_size"), let crop = try json.child("crop_size") {
            let height = try crop.int("height")
            let width = try crop.int("width")
            if let height, let width, height != width {
                throw CheckpointError.invalidConfig(path: path, reason: "crop_size is \(height) x \(width); CLIP's center crop is square, so height and width must be equal")
            }
            settings.cropSize = height ?? width ?? settings.cropSize
        } else if let crop = try json.int("crop_size") {
            settings.cropSize = crop
        }
        settings.mean = try json.floats("image_mean") ?? settings.mean
        settings.std = try json.floats("image_std") ?? settings.std

        guard settings.cropSize == imageSize else {
            throw CheckpointError.invalidConfig(path: path, reason: "crop size \(settings.cropSize) differs from the model's image size \(imageSize)")
        }
        guard settings.resizeShortestSide >= settings.cropSize else {
            throw CheckpointError.invalidConfig(path: path, reason: "resize size \(settings.resizeShortestSide) is smaller than the crop size \(settings.cropSize)")
        }
        try checkNormalization(settings, path: path)
        return settings
    }

    /// Rejects preprocessor settings that clip-explorer does not implement,
    /// so a model never gets pictures prepared differently from transformers
    /// without a word.
    private static func checkPreprocessSteps(_ json: JSONConfig, path: String) throws {
        for step in ["do_resize", "do_center_crop", "do_rescale", "do_normalize"] where try json.bool(step) == false {
            throw CheckpointError.invalidConfig(path: path, reason: "\(step) is false; clip-explorer always resizes, crops, rescales and normalizes as CLIP does, so remove it or set it to true")
        }
        // PIL's filter numbers: 0 nearest, 1 Lanczos, 2 bilinear, 3 bicubic, 4 box, 5 Hamming.
        if let resample = try json.int("resample"), resample != 3 {
            throw CheckpointError.invalidConfig(path: path, reason: "resample is \(resample), but clip-explorer resizes with bicubic (3), as OpenAI's CLIP does; set \"resample\": 3 to accept that")
        }
        if let factor = try json.float("rescale_factor"), abs(factor * 255 - 1) > 1e-5 {
            throw CheckpointError.invalidConfig(path: path, reason: "rescale_factor is \(factor), but CLIP scales 8-bit pixels by 1/255; set it to 0.00392156862745098 or remove it")
        }
    }

    /// Rejects an eos_token_id other than the tokenizer's <|endoftext|> id or the legacy 2.
    /// transformers pools at the first position holding that id, and position 0 when no
    /// position does, so with another id most prompts get the same embedding.
    static func checkEndOfText(_ mapped: MappedCheckpoint, tokenizer: CLIPTokenizer, vocabSource: String) throws {
        guard case .firstID(let id) = mapped.config.textPooling, id != tokenizer.endOfTextID,
              let setting = mapped.endOfTextSetting else { return }
        throw CheckpointError.invalidConfig(
            path: setting.path,
            reason: "\(setting.key) is \(id), but <|endoftext|> is id \(tokenizer.endOfTextID) in \(vocabSource), so every prompt would be pooled at the wrong token; set it to \(tokenizer.endOfTextID), or to 2 for the argmax pooling of older transformers configs")
    }

    private static func checkNormalization(_ settings: PreprocessSettings, path: String) throws {
        guard settings.mean.count == 3, settings.std.count == 3, settings.std.allSatisfy({ $0 > 0 }) else {
            throw CheckpointError.invalidConfig(path: path, reason: "image mean and std need 3 values each, with std > 0")
        }
    }
}
