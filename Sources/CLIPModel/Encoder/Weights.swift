// The one internal weight layout every checkpoint layout is mapped to at load.
// All matrices are float32 and row-major, in the order the checkpoint stores
// them: nn.Linear's [outputs x inputs], or [inputs x outputs] for OpenAI's
// projections. So float32 safetensors are used in place, and a transpose flag
// chosen per layer at load replaces any copy.

/// A fully connected layer: y = x W^T + b.
struct Linear {
    /// [outputs x inputs], or [inputs x outputs] when `storedTransposed`.
    var weight: FloatStorage
    /// [outputs], or nil for the bias-free projections.
    var bias: [Float]?
    let inputs: Int
    let outputs: Int
    let storedTransposed: Bool
}

struct LayerNormWeights {
    var weight: [Float]
    var bias: [Float]
}

/// One pre-norm residual attention block.
struct BlockWeights {
    var norm1: LayerNormWeights
    /// Query, key and value projections whose outputs, side by side, form the
    /// [rows x 3 width] attention input: one fused layer (OpenAI's in_proj) or
    /// three (transformers' q_proj, k_proj, v_proj).
    var qkv: [Linear]
    var outProjection: Linear
    var norm2: LayerNormWeights
    var fc1: Linear
    var fc2: Linear
}

struct TextWeights {
    /// [vocab x width]
    var tokenEmbedding: FloatStorage
    /// [context length x width]
    var positionalEmbedding: FloatStorage
    var blocks: [BlockWeights]
    var finalNorm: LayerNormWeights
    /// Bias-free, width to projection dim.
    var projection: Linear
}

struct VisionWeights {
    /// The patch convolution as a linear map: [width x (3 * patch * patch)], columns in
    /// (channel, row, column) order, which is the flattened Conv2d kernel.
    var patchEmbedding: Linear
    /// [width]
    var classEmbedding: [Float]
    /// [tokens x width], row 0 for the class token.
    var positionalEmbedding: FloatStorage
    var preNorm: LayerNormWeights
    var blocks: [BlockWeights]
    var postNorm: LayerNormWeights
    /// Bias-free, width to projection dim.
    var projection: Linear
}
