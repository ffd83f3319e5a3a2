// Pillow's BICUBIC resize (src/libImaging/Resample.c, Pillow 13.0) for 8-bit
// RGB: a separable convolution with the Keys cubic (a = -0.5), its support
// widened by the downscaling factor (antialiasing), coefficients normalized to
// sum 1 and rounded to fixed point with 22 fraction bits, each pass rounded and
// clipped to 8 bits. The horizontal pass runs first, over only the rows the
// vertical pass reads. A pass whose size does not change is skipped.

/// The fixed-point fraction bits of Pillow's 8-bit resampling: 32 - 8 - 2,
/// leaving 8 bits for the value and 2 for overshoot of the negative lobes.
private let precisionBits: Int32 = 22

/// Keys' cubic convolution kernel with a = -0.5, support 2.
private func bicubicKernel(_ value: Double) -> Double {
    let a = -0.5
    let x = value < 0 ? -value : value
    if x < 1 {
        return ((a + 2) * x - (a + 3)) * x * x + 1
    }
    if x < 2 {
        return (((x - 5) * x + 8) * x - 4) * a
    }
    return 0
}

/// The taps of one resampling pass: for output index i, input samples
/// first[i] ..< first[i] + count[i], weighted by weights[i * kernelSize ..< ...].
struct ResampleTaps {
    let kernelSize: Int
    let first: [Int]
    let count: [Int]
    let weights: [Int32]

    /// Computes the taps that map `inputSize` samples to `outputSize`, as
    /// Pillow's precompute_coeffs and normalize_coeffs_8bpc do for the box
    /// (0, inputSize).
    init(inputSize: Int, outputSize: Int) {
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1.0)
        let support = 2.0 * filterScale
        let kernelSize = Int(support.rounded(.up)) * 2 + 1
        let inverseFilterScale = 1.0 / filterScale

        var first = [Int](repeating: 0, count: outputSize)
        var count = [Int](repeating: 0, count: outputSize)
        var weights = [Int32](repeating: 0, count: outputSize * kernelSize)
        var row = [Double](repeating: 0, count: kernelSize)
        for output in 0..<outputSize {
            let center = (Double(output) + 0.5) * scale
            // Int(_:) truncates toward zero like C's (int) cast, which Pillow uses to round here.
            let low = max(Int(center - support + 0.5), 0)
            let high = min(Int(center + support + 0.5), inputSize)
            let taps = high - low

            var total = 0.0
            for tap in 0..<taps {
                let weight = bicubicKernel((Double(tap + low) - center + 0.5) * inverseFilterScale)
                row[tap] = weight
                total += weight
            }
            for tap in 0..<taps {
                let normalized = total != 0 ? row[tap] / total : row[tap]
                let scaled = normalized * Double(1 << precisionBits)
                // Rounds half away from zero, then truncates, as Pillow does.
                weights[output * kernelSize + tap] = Int32(normalized < 0 ? scaled - 0.5 : scaled + 0.5)
            }
            first[output] = low
            count[output] = taps
        }
        self.kernelSize = kernelSize
        self.first = first
        self.count = count
        self.weights = weights
    }
}

/// Rounds a fixed-point sum to 8 bits, clipping to 0...255.
@inline(__always)
private func clip8(_ sum: Int32) -> UInt8 {
    let value = sum >> precisionBits
    return value < 0 ? 0 : (value > 255 ? 255 : UInt8(truncatingIfNeeded: value))
}

extension RGBImage {
    /// Returns the image resized to `width` x `height` with Pillow's BICUBIC
    /// filter, pixel for pixel what `Image.resize((width, height), Image.BICUBIC)`
    /// returns for an RGB image in Pillow 13.
    public func resizedBicubic(width newWidth: Int, height newHeight: Int) -> RGBImage {
        precondition(width > 0 && height > 0 && newWidth > 0 && newHeight > 0, "resize of an empty image")
        if newWidth == width && newHeight == height {
            return self
        }
        let vertical = ResampleTaps(inputSize: height, outputSize: newHeight)

        var current = self
        var rowShift = 0
        if newWidth != width {
            // Only rows firstRow ..< lastRow feed the vertical pass.
            let firstRow = vertical.first[0]
            let lastRow = vertical.first[newHeight - 1] + vertical.count[newHeight - 1]
            current = resampleHorizontally(to: newWidth, rows: firstRow..<lastRow)
            rowShift = firstRow
        }
        if newHeight != height {
            current = current.resampleVertically(vertical, rowShift: rowShift, width: newWidth, height: newHeight)
        }
        return current
    }

    private func resampleHorizontally(to newWidth: Int, rows: Range<Int>) -> RGBImage {
        let taps = ResampleTaps(inputSize: width, outputSize: newWidth)
        var out = [UInt8](repeating: 0, count: newWidth * rows.count * 3)
        let inputStride = width * 3
        let half: Int32 = 1 << (precisionBits - 1)

        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                taps.weights.withUnsafeBufferPointer { weights in
                    for (outRow, row) in rows.enumerated() {
                        let rowStart = row * inputStride
                        for x in 0..<newWidth {
                            let low = taps.first[x], count = taps.count[x]
                            let kernel = x * taps.kernelSize
                            var red = half, green = half, blue = half
                            var index = rowStart + low * 3
                            for tap in 0..<count {
                                let weight = weights[kernel + tap]
                                red = red &+ Int32(source[index]) &* weight
                                green = green &+ Int32(source[index + 1]) &* weight
                                blue = blue &+ Int32(source[index + 2]) &* weight
                                index += 3
                            }
                            let to = (outRow * newWidth + x) * 3
                            target[to] = clip8(red)
                            target[to + 1] = clip8(green)
                            target[to + 2] = clip8(blue)
                        }
                    }
                }
            }
        }
        return RGBImage(width: newWidth, height: rows.count, pixels: out)
    }

    /// The vertical pass. `rowShift` is the source row that this image's row 0 stands for.
    private func resampleVertically(_ taps: ResampleTaps, rowShift: Int, width newWidth: Int, height newHeight: Int) -> RGBImage {
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 3)
        let stride = width * 3
        let half: Int32 = 1 << (precisionBits - 1)
        var sums = [Int32](repeating: 0, count: stride)

        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                sums.withUnsafeMutableBufferPointer { sums in
                    taps.weights.withUnsafeBufferPointer { weights in
                        for y in 0..<newHeight {
                            let low = taps.first[y] - rowShift, count = taps.count[y]
                            let kernel = y * taps.kernelSize
                            for i in 0..<stride { sums[i] = half }
                            // Row by row, so the inner loop runs over contiguous bytes.
                            for tap in 0..<count {
                                let weight = weights[kernel + tap]
                                let rowStart = (low + tap) * stride
                                for i in 0..<stride {
                                    sums[i] = sums[i] &+ Int32(source[rowStart + i]) &* weight
                                }
                            }
                            let outStart = y * stride
                            for i in 0..<stride {
                                target[outStart + i] = clip8(sums[i])
                            }
                        }
                    }
                }
            }
        }
        return RGBImage(width: newWidth, height: newHeight, pixels: out)
    }
}
