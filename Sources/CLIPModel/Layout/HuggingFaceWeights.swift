// Tensor names of transformers' CLIPModel (model.safetensors in a Hugging Face
// folder), as in transformers 5.x modeling_clip.py.

/// Model weights and settings mapped from one checkpoint.
struct MappedCheckpoint {
    var config: CLIPConfig
    var text: TextWeights
    var vision: VisionWeights
    /// The stored value, before exp().
    var logLogitScale: Float
    /// The config file and key that set `config.textPooling` to `.firstID`, checked against the tokenizer once it is loaded.
    var endOfTextSetting: (path: String, key: String)? = nil
}

enum HuggingFaceWeights {
    /// Builds the config from tensor shapes, taking heads, activations, epsilons and
    /// the pooling rule from `config.json` when given (transformers' defaults otherwise).
    static func map(_ reader: WeightReader, config json: JSONConfig?) throws -> MappedCheckpoint {
        // NOTE: some configs saved by older transformers releases name these *_config_dict; which releases is unverified.
        let textJSON = try json?.child("text_config") ?? json?.child("text_config_dict")
        let visionJSON = try json?.child("vision_config") ?? json?.child("vision_config_dict")
        if let json {
            try requireSection("text_config", found: textJSON, in: json)
            try requireSection("vision_config", found: visionJSON, in: json)
        }
        let path = reader.source.path

        let shapes = try EmbeddingShapes(reader, token: "text_model.embeddings.token_embedding.weight", position: "text_model.embeddings.position_embedding.weight",
                                         patch: "vision_model.embeddings.patch_embedding.weight", visionPosition: "vision_model.embeddings.position_embedding.weight",
                                         projection: "text_projection.weight")
        let (tokenShape, positionShape, patchShape, projectionShape) = (shapes.token, shapes.position, shapes.patch, shapes.projection)
        let (textWidth, visionWidth, patchSize) = (shapes.textWidth, shapes.visionWidth, shapes.patchSize)
        let (visionTokens, grid) = (shapes.visionTokens, shapes.grid)

        let textLayers = try countLayers(reader, prefix: "text_model.encoder.layers.", section: textJSON)
        let visionLayers = try countLayers(reader, prefix: "vision_model.encoder.layers.", section: visionJSON)
        let text = TowerConfig(
            width: textWidth, layers: textLayers,
            heads: try textJSON?.int("num_attention_heads") ?? (json == nil ? max(1, textWidth / 64) : 8),
            mlpWidth: try reader.rows("text_model.encoder.layers.0.mlp.fc1.weight"),
            activation: try textJSON?.activation("hidden_act") ?? .quickGELU,
            layerNormEpsilon: try textJSON.flatMap(layerNormEpsilon) ?? 1e-5)
        let vision = TowerConfig(
            width: visionWidth, layers: visionLayers,
            heads: try visionJSON?.int("num_attention_heads") ?? (json == nil ? max(1, visionWidth / 64) : 12),
            mlpWidth: try reader.rows("vision_model.encoder.layers.0.mlp.fc1.weight"),
            activation: try visionJSON?.activation("hidden_act") ?? .quickGELU,
            layerNormEpsilon: try visionJSON.flatMap(layerNormEpsilon) ?? 1e-5)
        // transformers' CLIPTextConfig defaults eos_token_id to 2, which selects the argmax rule.
        let eos = try textJSON?.int("eos_token_id") ?? 2
        if let textJSON, textJSON.has("eos_token_id"), !(0..<tokenShape[0]).contains(eos) {
            throw CheckpointError.invalidConfig(
                path: textJSON.path,
                reason: "\(textJSON.qualified("eos_token_id")) is \(eos), outside the vocab of \(tokenShape[0]) tokens (ids 0 to \(tokenShape[0] - 1)); set it to the id of <|endoftext|> (49407 in CLIP's vocab)")
        }
        let config = CLIPConfig(
            text: text, vision: vision,
            vocabularySize: tokenShape[0], contextLength: positionShape[0],
            imageSize: grid * patchSize, patchSize: patchSize,
            projectionDim: projectionShape[0],
            textPooling: eos == 2 ? .highestID : .firstID(Int32(clamping: eos)))
        try checkSizes(config, reader: reader, json: json, text: textJSON, vision: visionJSON)
        try validate(config, path: path, json: json, imageSizeInJSON: try visionJSON?.int("image_size"))

        let textWeights = TextWeights(
            tokenEmbedding: try reader.storage("text_model.embeddings.token_embedding.weight", tokenShape),
            positionalEmbedding: try reader.storage("text_model.embeddings.position_embedding.weight", positionShape),
            blocks: try (0..<textLayers).map { try block(reader, "text_model.encoder.layers.\($0)", text) },
            finalNorm: try reader.layerNorm("text_model.final_layer_norm", width: textWidth),
            projection: try reader.linear("text_projection", inputs: textWidth, outputs: config.projectionDim, bias: false))
        let visionWeights = VisionWeights(
            patchEmbedding: Linear(weight: try reader.storage("vision_model.embeddings.patch_embedding.weight", patchShape),
                                   bias: nil, inputs: 3 * patchSize * patchSize, outputs: visionWidth, storedTransposed: false),
            classEmbedding: try reader.read("vision_model.embeddings.class_embedding", [visionWidth]),
            positionalEmbedding: try reader.storage("vision_model.embeddings.position_embedding.weight", [visionTokens, visionWidth]),
            // "pre_layrnorm" is transformers' spelling.
            preNorm: try reader.layerNorm("vision_model.pre_layrnorm", width: visionWidth),
            blocks: try (0..<visionLayers).map { try block(reader, "vision_model.encoder.layers.\($0)", vision) },
            postNorm: try reader.layerNorm("vision_model.post_layernorm", width: visionWidth),
            projection: try reader.linear("visual_projection", inputs: visionWidth, outputs: config.projectionDim, bias: false))
        var mapped = MappedCheckpoint(config: config, text: textWeights, vision: visionWeights,
                                      logLogitScale: try reader.scalar("logit_scale"))
        if let textJSON, textJSON.has("eos_token_id") {
            mapped.endOfTextSetting = (textJSON.path, textJSON.qualified("eos_token_id"))
        }
        return mapped
    }

    /// Rejects a config.json without a tower's section. transformers would fill in the
    /// defaults of CLIP ViT-B/32, which rarely match the tensors and would make every
    /// later message about heads or sizes misleading.
    private static func requireSection(_ key: String, found: JSONConfig?, in json: JSONConfig) throws {
        guard found == nil else { return }
        let state = json.isNull(key) ? "null" : "missing"
        throw CheckpointError.invalidConfig(
            path: json.path,
            reason: "'\(key)' is \(state); a CLIPModel config.json needs text_config and vision_config objects, so use the config.json saved with these weights")
    }

    /// Reads layer_norm_eps and rejects a value that is not a positive float32, showing the number as written.
    private static func layerNormEpsilon(_ section: JSONConfig) throws -> Float? {
        guard let value = try section.double("layer_norm_eps") else { return nil }
        let single = Float(value)
        guard value > 0, single > 0, single.isFinite else {
            throw CheckpointError.invalidConfig(
                path: section.path,
                reason: "\(section.qualified("layer_norm_eps")) is \(value), out of range: it must be a positive number that float32 can store (about 1.4e-45 to 3.4e38); CLIP models use 1e-05")
        }
        return single
    }

    private static func countLayers(_ reader: WeightReader, prefix: String, section: JSONConfig?) throws -> Int {
        let count = try reader.countLayers(prefix: prefix, marker: ".self_attn.q_proj.weight")
        try section?.expect("num_hidden_layers", equals: count, evidence: WeightReader.layerEvidence(prefix: prefix, count: count))
        return count
    }

    private static func block(_ reader: WeightReader, _ prefix: String, _ tower: TowerConfig) throws -> BlockWeights {
        let width = tower.width
        // Kept as three layers writing side by side, so float32 files are used in place.
        let qkv = try ["q_proj", "k_proj", "v_proj"].map {
            try reader.linear(prefix + ".self_attn." + $0, inputs: width, outputs: width)
        }
        return BlockWeights(
            norm1: try reader.layerNorm(prefix + ".layer_norm1", width: width),
            qkv: qkv,
            outProjection: try reader.linear(prefix + ".self_attn.out_proj", inputs: width, outputs: width),
            norm2: try reader.layerNorm(prefix + ".layer_norm2", width: width),
            fc1: try reader.linear(prefix + ".mlp.fc1", inputs: width, outputs: tower.mlpWidth),
            fc2: try reader.linear(prefix + ".mlp.fc2", inputs: tower.mlpWidth, outputs: width))
    }
}

/// Returns floor(sqrt(n)) for n >= 0, and 0 for negative n.
func integerSquareRoot(_ n: Int) -> Int {
    guard n > 0 else { return 0 }
    var root = Int(Double(n).squareRoot())
    while root * root > n { root -= 1 }
    while (root + 1) * (root + 1) <= n { root += 1 }
    return root
}

/// Checks that the sizes read from shapes are consistent with each other and the config file.
func validate(_ config: CLIPConfig, path: String, json: JSONConfig?, imageSizeInJSON: Int?) throws {
    let sizes = [("text width", config.text.width), ("vision width", config.vision.width),
                 ("text MLP width", config.text.mlpWidth), ("vision MLP width", config.vision.mlpWidth),
                 ("vocab size", config.vocabularySize), ("context length", config.contextLength),
                 ("patch size", config.patchSize), ("projection dim", config.projectionDim)]
    for (name, size) in sizes where size <= 0 {
        throw CheckpointError.unsupportedArchitecture(path: path, reason: "the \(name) read from the tensor shapes is \(size)")
    }
    for (name, tower) in [("text", config.text), ("vision", config.vision)] {
        guard tower.layers > 0 else {
            throw CheckpointError.unsupportedArchitecture(path: path, reason: "the \(name) tower has no transformer layers")
        }
        guard tower.heads > 0, tower.width % tower.heads == 0 else {
            throw CheckpointError.invalidConfig(
                path: json?.path ?? path, reason: "\(name) width \(tower.width) is not divisible by \(tower.heads) attention heads")
        }
        guard tower.layerNormEpsilon > 0, tower.layerNormEpsilon.isFinite else {
            throw CheckpointError.invalidConfig(path: json?.path ?? path, reason: "\(name) layer-norm epsilon \(tower.layerNormEpsilon) is not positive")
        }
    }
    if let imageSizeInJSON, imageSizeInJSON != config.imageSize {
        throw CheckpointError.invalidConfig(
            path: json?.path ?? path,
            reason: "image_size \(imageSizeInJSON) disagrees with the checkpoint's \(config.gridSize)x\(config.gridSize) grid of \(config.patchSize)-pixel patches")
    }
}
