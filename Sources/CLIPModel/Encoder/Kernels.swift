import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

// Element-wise steps of the towers. Matrix products go through cblas_sgemm in
// Transformer.swift and VisionTower.swift. Layer norm and the activation are
// split across threads, and softmax runs on the calling thread.

/// Runs `body` over `0..<count` in contiguous chunks on up to `threads` threads.
func parallelChunks(_ count: Int, threads: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
    let chunks = max(1, min(threads, count / max(1, minimumChunk)))
    if chunks == 1 {
        body(0..<count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let start = count * chunk / chunks
        let end = count * (chunk + 1) / chunks
        body(start..<end)
    }
}

/// Normalizes each of `rows` rows of `width` values from `source` into `destination`
/// (which may be the same buffer): (x - mean) / sqrt(variance + epsilon) * weight + bias,
/// with the biased variance, as torch.nn.LayerNorm. Sums are accumulated in double.
func layerNorm(_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, rows: Int, width: Int,
               weights: LayerNormWeights, epsilon: Float, threads: Int) {
    weights.weight.withUnsafeBufferPointer { gamma in
        weights.bias.withUnsafeBufferPointer { beta in
            parallelChunks(rows, threads: threads, minimumChunk: 8) { range in
                for row in range {
                    let input = source + row * width
                    let output = destination + row * width
                    var sum = 0.0
                    for i in 0..<width { sum += Double(input[i]) }
                    let mean = sum / Double(width)
                    var squares = 0.0
                    for i in 0..<width {
                        let centered = Double(input[i]) - mean
                        squares += centered * centered
                    }
                    let inverse = Float(1.0 / (squares / Double(width) + Double(epsilon)).squareRoot())
                    let meanFloat = Float(mean)
                    for i in 0..<width {
                        output[i] = (input[i] - meanFloat) * inverse * gamma[i] + beta[i]
                    }
                }
            }
        }
    }
}

/// Applies the MLP activation in place to `count` values.
func activate(_ values: UnsafeMutablePointer<Float>, count: Int, _ activation: Activation, threads: Int) {
    parallelChunks(count, threads: threads, minimumChunk: 4096) { range in
        switch activation {
        case .quickGELU:
            for i in range {
                let x = values[i]
                values[i] = x / (1 + expf(-1.702 * x))
            }
        case .gelu:
            for i in range {
                let x = values[i]
                values[i] = 0.5 * x * (1 + erff(x * 0.70710678118654752))
            }
        }
    }
}

/// Replaces each row of a [rows x columns] matrix (row stride `stride`) by its softmax.
/// Row i contains the scores of position `firstPosition + i`, and with `causal` it keeps
/// only columns 0...(that position) while the rest become 0.
func softmaxRows(_ scores: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int, causal: Bool,
                 firstPosition: Int = 0) {
    for row in 0..<rows {
        let values = scores + row * stride
        let visible = causal ? min(firstPosition + row + 1, columns) : columns
        var maximum = -Float.infinity
        for j in 0..<visible { maximum = max(maximum, values[j]) }
        var sum: Float = 0
        for j in 0..<visible {
            let e = expf(values[j] - maximum)
            values[j] = e
            sum += e
        }
        let inverse = 1 / sum
        for j in 0..<visible { values[j] *= inverse }
        for j in visible..<columns { values[j] = 0 }
    }
}

/// Adds `bias` to the first `width` values of each of `rows` rows `stride` apart.
func addBias(_ values: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int, bias: [Float]) {
    bias.withUnsafeBufferPointer { b in
        for row in 0..<rows {
            let output = values + row * stride
            for i in 0..<width { output[i] += b[i] }
        }
    }
}

/// Sets the first `width` values of each of `rows` rows `stride` apart to `bias`.
func fillRows(_ values: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int, bias: [Float]) {
    bias.withUnsafeBufferPointer { b in
        guard let base = b.baseAddress else { return }
        for row in 0..<rows {
            (values + row * stride).update(from: base, count: width)
        }
    }
}
