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
                    let mean = doubleSum(input, count: width) { $0 } / Double(width)
                    let squares = doubleSum(input, count: width) { ($0 - mean) * ($0 - mean) }
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

/// Returns the sum of `term(value)` over `count` values, in double. Four partial
/// sums over interleaved values let the additions overlap, where a single running
/// sum waits for each addition to finish before the next.
@inline(__always)
private func doubleSum(_ values: UnsafePointer<Float>, count: Int, _ term: (Double) -> Double) -> Double {
    var partial = (0.0, 0.0, 0.0, 0.0)
    var i = 0
    while i + 4 <= count {
        partial.0 += term(Double(values[i]))
        partial.1 += term(Double(values[i + 1]))
        partial.2 += term(Double(values[i + 2]))
        partial.3 += term(Double(values[i + 3]))
        i += 4
    }
    var total = (partial.0 + partial.1) + (partial.2 + partial.3)
    while i < count {
        total += term(Double(values[i]))
        i += 1
    }
    return total
}

/// Applies the MLP activation in place to `count` values.
func activate(_ values: UnsafeMutablePointer<Float>, count: Int, _ activation: Activation, threads: Int) {
    parallelChunks(count, threads: threads, minimumChunk: 4096) { range in
        switch activation {
        case .quickGELU:
            // 16 lanes at a time through `exponential`, and the tail through expf.
            let raw = UnsafeMutableRawPointer(values)
            var i = range.lowerBound
            while i + 16 <= range.upperBound {
                let x = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                raw.storeBytes(of: x / (1 + exponential(-1.702 * x)), toByteOffset: i * 4, as: SIMD16<Float>.self)
                i += 16
            }
            for j in i..<range.upperBound {
                let x = values[j]
                values[j] = x / (1 + expf(-1.702 * x))
            }
        case .gelu:
            for i in range {
                let x = values[i]
                values[i] = 0.5 * x * (1 + erff(x * 0.70710678118654752))
            }
        }
    }
}

/// Returns e^x in each lane, within 1e-7 relative for x in [-87, 88] (the unit tests
/// check a grid over that range). Inputs outside it are clamped to it, so the result
/// is always a normal float. It splits x = n ln 2 + r with |r| <= ln 2 / 2, sums the
/// Taylor series of e^r to r^7 and writes n into the exponent bits. Every step is a
/// whole-vector operation: with Swift 6.3, SIMD16's rounded() and Int32 conversion
/// made a version of this slower than scalar expf.
@inline(__always)
func exponential(_ x: SIMD16<Float>) -> SIMD16<Float> {
    var clamped = x
    clamped.replace(with: SIMD16(repeating: -87), where: x .< -87)
    clamped.replace(with: SIMD16(repeating: 88), where: x .> 88)

    // Adding 1.5 * 2^23 rounds to the nearest integer, which lands in the low mantissa bits.
    let shifter = SIMD16<Float>(repeating: 12_582_912)
    let shifted = clamped * 1.442695041 + shifter
    let n = shifted - shifter
    // Cody and Waite's split of ln 2: n times the high part is exact in float.
    let r = (clamped - n * 0.693145751953125) - n * 1.428606765330187e-6

    var series = SIMD16<Float>(repeating: 1.0 / 5040)
    series = series * r + 1.0 / 720
    series = series * r + 1.0 / 120
    series = series * r + 1.0 / 24
    series = series * r + 1.0 / 6
    series = series * r + 0.5
    series = series * r + 1
    series = series * r + 1

    // The integer n is the low mantissa bits of `shifted`, whose bit pattern is 0x4B40_0000 + n.
    let exponentBits = (unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    return series * unsafeBitCast(exponentBits, to: SIMD16<Float>.self)
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
