/// The MLP activation of a transformer tower.
public enum Activation: String, Sendable, Equatable {
    /// x * sigmoid(1.702 x), as OpenAI trained its CLIP models.
    case quickGELU = "quick_gelu"
    /// x * Phi(x) with the exact normal CDF, as most LAION open_clip models use.
    case gelu
}

/// The rule that picks the position whose embedding the text tower projects.
public enum TextPooling: Sendable, Equatable {
    /// The position of the highest token id. OpenAI's rule: it finds the end-of-text
    /// token only because 49407 is the largest id in CLIP's vocab.
    case highestID
    /// The first position holding this id (position 0 when absent), as Hugging Face
    /// transformers pools for configs whose `eos_token_id` is not 2.
    case firstID(Int32)
}

/// Sizes and settings of one transformer tower.
public struct TowerConfig: Sendable, Equatable {
    public var width: Int
    public var layers: Int
    public var heads: Int
    /// Hidden size of each block's MLP: 4 x width in every released CLIP.
    public var mlpWidth: Int
    public var activation: Activation
    public var layerNormEpsilon: Float

    public var headWidth: Int { width / heads }
}

/// Every hyper-parameter of a ViT CLIP, read from the checkpoint's tensor
/// shapes and, where shapes cannot tell, its config file.
public struct CLIPConfig: Sendable, Equatable {
    public var text: TowerConfig
    public var vision: TowerConfig
    public var vocabularySize: Int
    /// Number of text positions (77 for every released CLIP).
    public var contextLength: Int
    public var imageSize: Int
    public var patchSize: Int
    /// Width of the shared embedding space both projections map into.
    public var projectionDim: Int
    public var textPooling: TextPooling

    /// Patches per side of the image.
    public var gridSize: Int { imageSize / patchSize }
    /// Vision tokens: one per patch plus the class token.
    public var visionTokens: Int { gridSize * gridSize + 1 }
}
