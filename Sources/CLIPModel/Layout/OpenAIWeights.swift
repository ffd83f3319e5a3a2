// Tensor names of OpenAI's clip/model.py, which open_clip keeps: bare state-dict
// files and open_clip hub folders (open_clip_model.safetensors).

/// Settings that tensor shapes cannot give, from open_clip_config.json when present.
struct OpenAIArchitectureHints {
    var textHeads: Int?
    /// open_clip's vision_cfg.head_width (64 by default).
    var visionHeadWidth: Int?
    var activation: Activation?
    var configPath: String?
    var imageSize: Int?
    /// open_clip's model_cfg, text_cfg and vision_cfg, whose sizes are checked against the tensors.
    var modelConfig: JSONConfig?
    var textConfig: JSONConfig?
    var visionConfig: JSONConfig?
}

enum OpenAIWeights {
    /// Builds the config from tensor shapes as OpenAI's build_model does: heads are
    /// width / 64 and the activation is QuickGELU unless `hints` set them.
    static func map(_ reader: WeightReader, hints: OpenAIArchitectureHints) throws -> MappedCheckpoint {
        let path = reader.source.path
        if reader.has("visual.layer1.0.conv1.weight") || reader.has("visual.attnpool.positional_embedding") {
            throw CheckpointError.unsupportedArchitecture(
                path: path, reason: "this is a ResNet CLIP (RN50 family, 'visual.layer1' and 'visual.attnpool' tensors); only ViT CLIP models are supported")
        }

        let shapes = try EmbeddingShapes(reader, token: "token_embedding.weight", position: "positional_embedding",
                                         patch: "visual.conv1.weight", visionPosition: "visual.positional_embedding",
                                         projection: "text_projection")
        let (tokenShape, positionShape, patchShape, projectionShape) = (shapes.token, shapes.position, shapes.patch, shapes.projection)
        let (textWidth, visionWidth, patchSize) = (shapes.textWidth, shapes.visionWidth, shapes.patchSize)
        let (visionTokens, grid) = (shapes.visionTokens, shapes.grid)

        let textLayers = try countLayers(reader, prefix: "transformer.resblocks.", section: hints.textConfig)
        let visionLayers = try countLayers(reader, prefix: "visual.transformer.resblocks.", section: hints.visionConfig)
        let activation = hints.activation ?? .quickGELU
        let text = TowerConfig(
            width: textWidth, layers: textLayers,
            heads: hints.textHeads ?? max(1, textWidth / 64),
            mlpWidth: try reader.rows("transformer.resblocks.0.mlp.c_fc.weight"),
            activation: activation, layerNormEpsilon: 1e-5)
        // A stated head_width that is not a positive divisor is rejected in checkSizes, so 64 only guards the division.
        let headWidth = hints.visionHeadWidth.flatMap { $0 > 0 ? $0 : nil } ?? 64
        let vision = TowerConfig(
            width: visionWidth, layers: visionLayers,
            heads: max(1, visionWidth / headWidth),
            mlpWidth: try reader.rows("visual.transformer.resblocks.0.mlp.c_fc.weight"),
            activation: activation, layerNormEpsilon: 1e-5)
        let config = CLIPConfig(
            text: text, vision: vision,
            vocabularySize: tokenShape[0], contextLength: positionShape[0],
            imageSize: grid * patchSize, patchSize: patchSize,
            projectionDim: projectionShape[1],
            textPooling: .highestID)
        try checkSizes(config, reader: reader, hints: hints)
        let json = try hints.configPath.map { try JSONConfig(contentsOf: $0) }
        try validate(config, path: path, json: json, imageSizeInJSON: hints.imageSize)

        let textWeights = TextWeights(
            tokenEmbedding: try reader.storage("token_embedding.weight", tokenShape),
            positionalEmbedding: try reader.storage("positional_embedding", positionShape),
            blocks: try (0..<textLayers).map { try block(reader, "transformer.resblocks.\($0)", text) },
            finalNorm: try reader.layerNorm("ln_final", width: textWidth),
            projection: try reader.projection("text_projection", inputs: textWidth, outputs: config.projectionDim))
        let visionWeights = VisionWeights(
            patchEmbedding: Linear(weight: try reader.storage("visual.conv1.weight", patchShape),
                                   bias: nil, inputs: 3 * patchSize * patchSize, outputs: visionWidth, storedTransposed: false),
            classEmbedding: try reader.read("visual.class_embedding", [visionWidth]),
            positionalEmbedding: try reader.storage("visual.positional_embedding", [visionTokens, visionWidth]),
            preNorm: try reader.layerNorm("visual.ln_pre", width: visionWidth),
            blocks: try (0..<visionLayers).map { try block(reader, "visual.transformer.resblocks.\($0)", vision) },
            postNorm: try reader.layerNorm("visual.ln_post", width: visionWidth),
            projection: try reader.projection("visual.proj", inputs: visionWidth, outputs: config.projectionDim))
        return MappedCheckpoint(config: config, text: textWeights, vision: visionWeights,
                                logLogitScale: try reader.scalar("logit_scale"))
    }

    private static func countLayers(_ reader: WeightReader, prefix: String, section: JSONConfig?) throws -> Int {
        let count = try reader.countLayers(prefix: prefix, marker: ".attn.in_proj_weight")
        try section?.expect("layers", equals: count, evidence: WeightReader.layerEvidence(prefix: prefix, count: count))
        return count
    }

    private static func block(_ reader: WeightReader, _ prefix: String, _ tower: TowerConfig) throws -> BlockWeights {
        let width = tower.width
        return BlockWeights(
            norm1: try reader.layerNorm(prefix + ".ln_1", width: width),
            // nn.MultiheadAttention already stores query, key and value fused in this order.
            qkv: [Linear(weight: try reader.storage(prefix + ".attn.in_proj_weight", [3 * width, width]),
                         bias: try reader.read(prefix + ".attn.in_proj_bias", [3 * width]),
                         inputs: width, outputs: 3 * width, storedTransposed: false)],
            outProjection: try reader.linear(prefix + ".attn.out_proj", inputs: width, outputs: width),
            norm2: try reader.layerNorm(prefix + ".ln_2", width: width),
            fc1: try reader.linear(prefix + ".mlp.c_fc", inputs: width, outputs: tower.mlpWidth),
            fc2: try reader.linear(prefix + ".mlp.c_proj", inputs: tower.mlpWidth, outputs: width))
    }
}
