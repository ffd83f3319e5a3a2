// Sizes that config files state, compared with the sizes read from the tensors.
// The tensors decide every size the encoder uses, so a config that disagrees
// belongs to other weights or was edited by hand. Loading would hide that, so it
// is an error naming the key. Keys a config leaves out are not checked.

extension HuggingFaceWeights {
    /// Compares config.json's sizes (top level, `text_config` and `vision_config`) with the checkpoint's.
    static func checkSizes(_ config: CLIPConfig, reader: WeightReader, json: JSONConfig?, text: JSONConfig?, vision: JSONConfig?) throws {
        try json?.expect("projection_dim", equals: config.projectionDim, evidence: reader.evidence("text_projection.weight"))
        // text_config.projection_dim and vision_config.projection_dim are not compared, because transformers
        // writes its default 512 there even when the model's projection differs (as in Models/clip-demo-shapes).

        if let text {
            let token = "text_model.embeddings.token_embedding.weight"
            try text.expect("hidden_size", equals: config.text.width, evidence: reader.evidence(token))
            try text.expect("vocab_size", equals: config.vocabularySize, evidence: reader.evidence(token))
            try text.expect("max_position_embeddings", equals: config.contextLength,
                            evidence: reader.evidence("text_model.embeddings.position_embedding.weight"))
            try text.expect("intermediate_size", equals: config.text.mlpWidth,
                            evidence: reader.evidence("text_model.encoder.layers.0.mlp.fc1.weight"))
            try text.expectDivisor("num_attention_heads", of: config.text.width, tower: "text")
        }

        if let vision {
            let patch = "vision_model.embeddings.patch_embedding.weight"
            try vision.expect("hidden_size", equals: config.vision.width, evidence: reader.evidence(patch))
            try vision.expect("patch_size", equals: config.patchSize, evidence: reader.evidence(patch))
            try vision.expect("num_channels", equals: 3, evidence: reader.evidence(patch))
            try vision.expect("intermediate_size", equals: config.vision.mlpWidth,
                              evidence: reader.evidence("vision_model.encoder.layers.0.mlp.fc1.weight"))
            try vision.expectDivisor("num_attention_heads", of: config.vision.width, tower: "vision")
        }
    }
}

extension OpenAIWeights {
    /// Compares open_clip_config.json's model_cfg sizes with the checkpoint's.
    static func checkSizes(_ config: CLIPConfig, reader: WeightReader, hints: OpenAIArchitectureHints) throws {
        try hints.modelConfig?.expect("embed_dim", equals: config.projectionDim, evidence: reader.evidence("text_projection"))

        if let text = hints.textConfig {
            let token = "token_embedding.weight"
            try text.expect("width", equals: config.text.width, evidence: reader.evidence(token))
            try text.expect("vocab_size", equals: config.vocabularySize, evidence: reader.evidence(token))
            try text.expect("context_length", equals: config.contextLength, evidence: reader.evidence("positional_embedding"))
            try text.expectDivisor("heads", of: config.text.width, tower: "text")
            try checkMLPRatio(text, width: config.text.width, mlpWidth: config.text.mlpWidth,
                              tensor: reader.evidence("transformer.resblocks.0.mlp.c_fc.weight"))
        }

        if let vision = hints.visionConfig {
            let patch = "visual.conv1.weight"
            try vision.expect("width", equals: config.vision.width, evidence: reader.evidence(patch))
            try vision.expect("patch_size", equals: config.patchSize, evidence: reader.evidence(patch))
            try vision.expectDivisor("head_width", of: config.vision.width, tower: "vision")
            try checkMLPRatio(vision, width: config.vision.width, mlpWidth: config.vision.mlpWidth,
                              tensor: reader.evidence("visual.transformer.resblocks.0.mlp.c_fc.weight"))
        }
    }

    /// Checks open_clip's mlp_ratio, which sets the MLP width to int(width * mlp_ratio).
    private static func checkMLPRatio(_ section: JSONConfig, width: Int, mlpWidth: Int, tensor: String) throws {
        guard let ratio = try section.double("mlp_ratio") else { return }
        let product = Double(width) * ratio
        // Python's int() truncates toward zero; a product outside Int's range can never match.
        guard product.isFinite, abs(product) < 1e15, Int(product) == mlpWidth else {
            throw CheckpointError.invalidConfig(
                path: section.path,
                reason: "\(section.qualified("mlp_ratio")) is \(ratio), so the MLP width would be \(width) x \(ratio), but the checkpoint's is \(mlpWidth) (\(tensor)); set mlp_ratio to \(Double(mlpWidth) / Double(width)), as in the config saved with these weights")
        }
    }
}
