import COpenBLAS

/// A run of consecutive rows that attend to each other: one image, or one prompt
/// up to its pooled position.
struct Segment {
    let start: Int
    let length: Int
}

/// Computes `output = input W^T (+ b)` for `rows` rows, or with `accumulate`,
/// `output += input W^T (+ b)` (the residual add folded into the product).
/// Output rows are `outputStride` floats apart (default: the layer's outputs),
/// so several layers can write side by side into one buffer.
func applyLinear(_ layer: Linear, _ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>,
                 outputStride: Int? = nil, accumulate: Bool = false) {
    guard rows > 0 else { return }
    let stride = outputStride ?? layer.outputs
    if let bias = layer.bias {
        if accumulate {
            addBias(output, rows: rows, width: layer.outputs, stride: stride, bias: bias)
        } else {
            fillRows(output, rows: rows, width: layer.outputs, stride: stride, bias: bias)
        }
    }
    let beta: Float = (accumulate || layer.bias != nil) ? 1 : 0
    if layer.storedTransposed {
        // C [rows x outputs] = A [rows x inputs] * B, B = P [inputs x outputs].
        // NoTrans, NoTrans; lda = inputs, ldb = outputs, ldc = stride.
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                    Int32(rows), Int32(layer.outputs), Int32(layer.inputs),
                    1, input, Int32(layer.inputs),
                    layer.weight.pointer, Int32(layer.outputs),
                    beta, output, Int32(stride))
    } else {
        // C [rows x outputs] = A [rows x inputs] * B^T, B = W [outputs x inputs].
        // NoTrans, Trans; lda = inputs, ldb = inputs, ldc = stride.
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                    Int32(rows), Int32(layer.outputs), Int32(layer.inputs),
                    1, input, Int32(layer.inputs),
                    layer.weight.pointer, Int32(layer.inputs),
                    beta, output, Int32(stride))
    }
}

/// Scratch buffers for one forward pass through a tower, sized for `rows` rows.
final class TowerScratch {
    // Raw buffers, allocated once per forward pass, so the blocks take plain
    // pointers without nesting five withUnsafeMutableBufferPointer calls.
    let normalized: UnsafeMutablePointer<Float>  // [rows x width]
    let qkv: UnsafeMutablePointer<Float>         // [rows x 3 width]
    let attention: UnsafeMutablePointer<Float>   // [rows x width]
    let hidden: UnsafeMutablePointer<Float>      // [rows x mlp width]
    let scores: UnsafeMutablePointer<Float>      // [longest segment x longest segment]
    private let counts: [Int]

    init(rows: Int, config: TowerConfig, longestSegment: Int) {
        counts = [rows * config.width, rows * 3 * config.width, rows * config.width,
                  rows * config.mlpWidth, longestSegment * longestSegment].map { max($0, 1) }
        normalized = TowerScratch.zeroed(counts[0])
        qkv = TowerScratch.zeroed(counts[1])
        attention = TowerScratch.zeroed(counts[2])
        hidden = TowerScratch.zeroed(counts[3])
        scores = TowerScratch.zeroed(counts[4])
    }

    deinit {
        for (pointer, count) in zip([normalized, qkv, attention, hidden, scores], counts) {
            pointer.deinitialize(count: count)
            pointer.deallocate()
        }
    }

    private static func zeroed(_ count: Int) -> UnsafeMutablePointer<Float> {
        let pointer = UnsafeMutablePointer<Float>.allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
        return pointer
    }
}

/// Runs every block of a tower over `x` [rows x width] and returns the output at one
/// row per segment, `segment.start + pooledPositions[i]`: [segments x width]. On
/// return `x` contains the last block's input, not its output.
///
/// The towers read nothing but those rows afterwards, so the last block computes
/// keys and values for every row but attention, its residual adds and the MLP for
/// the pooled rows alone. That skips about 10/12 of the last block's work.
func runBlocks(_ blocks: [BlockWeights], x: UnsafeMutablePointer<Float>, segments: [Segment], pooledPositions: [Int],
               config: TowerConfig, causal: Bool, threads: Int) -> [Float] {
    precondition(pooledPositions.count == segments.count, "one pooled position per segment")
    let rows = segments.reduce(0) { $0 + $1.length }
    let longest = segments.map(\.length).max() ?? 0
    let scratch = TowerScratch(rows: rows, config: config, longestSegment: longest)
    var pooled = [Float](repeating: 0, count: segments.count * config.width)
    pooled.withUnsafeMutableBufferPointer { buffer in
        guard let pooled = buffer.baseAddress else { return }
        for block in blocks.dropLast() {
            runBlock(block, x: x, rows: rows, segments: segments, config: config, causal: causal, scratch: scratch, threads: threads)
        }
        for (index, segment) in segments.enumerated() {
            (pooled + index * config.width).update(from: x + (segment.start + pooledPositions[index]) * config.width,
                                                     count: config.width)
        }
        guard let last = blocks.last else { return }
        runFinalBlock(last, x: x, pooled: pooled, rows: rows, segments: segments, pooledPositions: pooledPositions,
                      config: config, causal: causal, scratch: scratch, threads: threads)
    }
    // The blocks use raw pointers into the scratch buffers, which the object frees.
    withExtendedLifetime(scratch) {}
    return pooled
}

/// Writes norm1(x) [rows x width] to `scratch.normalized`, then the fused
/// queries, keys and values [rows x 3 width] to `scratch.qkv`.
private func projectQKV(_ block: BlockWeights, x: UnsafeMutablePointer<Float>, rows: Int, config: TowerConfig,
                        scratch: TowerScratch, threads: Int) {
    let width = config.width
    layerNorm(x, scratch.normalized, rows: rows, width: width, weights: block.norm1, epsilon: config.layerNormEpsilon,
              threads: threads)
    var column = 0
    for part in block.qkv {
        applyLinear(part, scratch.normalized, rows: rows, into: scratch.qkv + column, outputStride: 3 * width)
        column += part.outputs
    }
}

/// x = x + attention(norm1(x)); x = x + mlp(norm2(x)).
private func runBlock(_ block: BlockWeights, x: UnsafeMutablePointer<Float>, rows: Int, segments: [Segment],
                      config: TowerConfig, causal: Bool, scratch: TowerScratch, threads: Int) {
    let width = config.width
    let (normalized, qkv, attention) = (scratch.normalized, scratch.qkv, scratch.attention)
    let (hidden, scores) = (scratch.hidden, scratch.scores)

    // Attention half.
    projectQKV(block, x: x, rows: rows, config: config, scratch: scratch, threads: threads)
    for segment in segments {
        attend(qkv: qkv, output: attention + segment.start * width, segment: segment, queries: 0..<segment.length,
               config: config, causal: causal, scores: scores)
    }
    applyLinear(block.outProjection, attention, rows: rows, into: x, accumulate: true)

    // MLP half.
    layerNorm(x, normalized, rows: rows, width: width, weights: block.norm2, epsilon: config.layerNormEpsilon, threads: threads)
    applyLinear(block.fc1, normalized, rows: rows, into: hidden)  // [rows x mlp width]
    activate(hidden, count: rows * config.mlpWidth, config.activation, threads: threads)
    applyLinear(block.fc2, hidden, rows: rows, into: x, accumulate: true)
}

/// Runs the last block for the pooled rows only. `x` [rows x width] is the block's
/// input, and `pooled` [segments x width] contains its pooled rows on entry and the
/// block's output for them on return.
private func runFinalBlock(_ block: BlockWeights, x: UnsafeMutablePointer<Float>, pooled: UnsafeMutablePointer<Float>,
                           rows: Int, segments: [Segment], pooledPositions: [Int], config: TowerConfig, causal: Bool,
                           scratch: TowerScratch, threads: Int) {
    let width = config.width
    let count = segments.count
    let (normalized, qkv, attention) = (scratch.normalized, scratch.qkv, scratch.attention)
    let (hidden, scores) = (scratch.hidden, scratch.scores)

    // Keys and values for every row. The fused projection computes every row's
    // query as well, but attention reads only the pooled rows' queries.
    projectQKV(block, x: x, rows: rows, config: config, scratch: scratch, threads: threads)

    // One query row per segment, so the attention output is [segments x width].
    for (index, segment) in segments.enumerated() {
        let position = pooledPositions[index]
        attend(qkv: qkv, output: attention + index * width, segment: segment, queries: position..<position + 1,
               config: config, causal: causal, scores: scores)
    }
    applyLinear(block.outProjection, attention, rows: count, into: pooled, accumulate: true)

    layerNorm(pooled, normalized, rows: count, width: width, weights: block.norm2, epsilon: config.layerNormEpsilon, threads: threads)
    applyLinear(block.fc1, normalized, rows: count, into: hidden)  // [segments x mlp width]
    activate(hidden, count: count * config.mlpWidth, config.activation, threads: threads)
    applyLinear(block.fc2, hidden, rows: count, into: pooled, accumulate: true)
}

/// Scaled dot-product attention of the rows `queries` (positions within `segment`)
/// against every row of the segment, for every head. It reads Q, K and V in place
/// from the fused [rows x 3 width] buffer and writes each head's output into its
/// columns of `output` [queries.count x width], whose first row is the first query's.
private func attend(qkv: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>, segment: Segment,
                    queries: Range<Int>, config: TowerConfig, causal: Bool, scores: UnsafeMutablePointer<Float>) {
    let width = config.width
    let headWidth = config.headWidth
    let length = segment.length
    let queryCount = queries.count
    let scale = 1 / Float(headWidth).squareRoot()
    let rowBase = qkv + segment.start * 3 * width

    for head in 0..<config.heads {
        let query = rowBase + queries.lowerBound * 3 * width + head * headWidth
        let key = rowBase + width + head * headWidth
        let value = rowBase + 2 * width + head * headWidth

        // scores [queries x length] = scale * Q [queries x headWidth] * K^T, K [length x headWidth].
        // NoTrans, Trans; lda = ldb = 3 width (Q and K are column slices of the fused rows), ldc = length.
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                    Int32(queryCount), Int32(length), Int32(headWidth),
                    scale, query, Int32(3 * width),
                    key, Int32(3 * width),
                    0, scores, Int32(length))
        softmaxRows(scores, rows: queryCount, columns: length, stride: length, causal: causal,
                    firstPosition: queries.lowerBound)

        // head output [queries x headWidth] = scores [queries x length] * V [length x headWidth].
        // NoTrans, NoTrans; lda = length, ldb = 3 width, ldc = width (this head's columns of the output rows).
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                    Int32(queryCount), Int32(headWidth), Int32(length),
                    1, scores, Int32(length),
                    value, Int32(3 * width),
                    0, output + head * headWidth, Int32(width))
    }
}
