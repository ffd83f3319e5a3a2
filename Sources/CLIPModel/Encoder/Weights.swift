// The one internal weight layout every checkpoint layout is mapped to at load.
// All matrices are float32, row-major, in PyTorch's nn.Linear order
// [outputs x inputs], so every product is `activations x weight^T` with the
// same sgemm flags and no copy or transpose at inference time.

/// A fully connected layer: y = x W^T + b.
struct Linear {
    /// [outputs x inputs], row-major.
    var weight: [Float]
    /// [outputs], or nil for the bias-free projections.
    var bias: [Float]?
    let inputs: Int
    let outputs: Int
}

struct LayerNormWeights {
    var weight: [Float]
    var bias: [Float]
}

/// One pre-norm residual attention block.
struct BlockWeights {
    var norm1: LayerNormWeights
    /// Query, key and value fused: [3 width x width], rows in that order.
    var qkv: Linear
    var outProjection: Linear
    var norm2: LayerNormWeights
    var fc1: Linear
    var fc2: Linear
}

struct TextWeights {
    /// [vocab x width]
    var tokenEmbedding: [Float]
    /// [context length x width]
    var positionalEmbedding: [Float]
    var blocks: [BlockWeights]
    var finalNorm: LayerNormWeights
    /// [projection dim x width], bias-free.
    var projection: Linear
}

struct VisionWeights {
    /// The patch convolution as a linear map: [width x (3 * patch * patch)], columns in
    /// (channel, row, column) order, which is the flattened Conv2d kernel.
    var patchEmbedding: Linear
    /// [width]
    var classEmbedding: [Float]
    /// [tokens x width], row 0 for the class token.
    var positionalEmbedding: [Float]
    var preNorm: LayerNormWeights
    var blocks: [BlockWeights]
    var postNorm: LayerNormWeights
    /// [projection dim x width], bias-free.
    var projection: Linear
}
