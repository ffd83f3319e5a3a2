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

/// The taps of one resampling pass for the output indices in `outputs`: for
/// output index i, input samples first[i - o] ..< first[i - o] + count[i - o],
/// weighted by weights[(i - o) * kernelSize ..< ...], where o is outputs.lowerBound.
struct ResampleTaps {
    let outputs: Range<Int>
    let kernelSize: Int
    let first: [Int]
    let count: [Int]
    let weights: [Int32]

    /// Computes the taps that map `inputSize` samples to `outputSize`, as
    /// Pillow's precompute_coeffs and normalize_coeffs_8bpc do for the box
    /// (0, inputSize), for the indices in `outputs` only. A window keeps the
    /// tables small when one side is resized to millions of pixels.
    init(inputSize: Int, outputSize: Int, outputs: Range<Int>) {
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1.0)
        let support = 2.0 * filterScale
        let kernelSize = Int(support.rounded(.up)) * 2 + 1
        let inverseFilterScale = 1.0 / filterScale

        var first = [Int](repeating: 0, count: outputs.count)
        var count = [Int](repeating: 0, count: outputs.count)
        var weights = [Int32](repeating: 0, count: outputs.count * kernelSize)
        var row = [Double](repeating: 0, count: kernelSize)
        for (slot, output) in outputs.enumerated() {
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
                weights[slot * kernelSize + tap] = Int32(normalized < 0 ? scaled - 0.5 : scaled + 0.5)
            }
            first[slot] = low
            count[slot] = taps
        }
        self.outputs = outputs
        self.kernelSize = kernelSize
        self.first = first
        self.count = count
        self.weights = weights
    }

    /// Returns the input samples that output index `output` reads.
    func sources(of output: Int) -> Range<Int> {
        let slot = output - outputs.lowerBound
        return first[slot]..<(first[slot] + count[slot])
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
        resizedBicubic(width: newWidth, height: newHeight, columns: 0..<newWidth, rows: 0..<newHeight)
    }

    /// Returns only `columns` x `rows` of the resized image. Each output pixel
    /// is computed exactly as in the full resize, so a center crop taken this
    /// way equals cropping the full result, without computing the rest.
    func resizedBicubic(width newWidth: Int, height newHeight: Int, columns: Range<Int>, rows: Range<Int>) -> RGBImage {
        precondition(width > 0 && height > 0 && newWidth > 0 && newHeight > 0, "resize of an empty image")
        precondition(columns.lowerBound >= 0 && columns.upperBound <= newWidth && !columns.isEmpty, "columns outside the output")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= newHeight && !rows.isEmpty, "rows outside the output")

        let horizontal = newWidth != width ? ResampleTaps(inputSize: width, outputSize: newWidth, outputs: columns) : nil
        let vertical = newHeight != height ? ResampleTaps(inputSize: height, outputSize: newHeight, outputs: rows) : nil

        // The source rows that the output rows read: all taps of the vertical pass, or the rows themselves.
        var sourceRows = rows
        if let vertical {
            sourceRows = vertical.sources(of: rows.lowerBound).lowerBound..<vertical.sources(of: rows.upperBound - 1).upperBound
        }

        var current: RGBImage
        if let horizontal {
            current = resampleHorizontally(horizontal, rows: sourceRows)
        } else {
            current = cropped(columns: columns, rows: sourceRows)
        }
        if let vertical {
            current = current.resampleVertically(vertical, rowShift: sourceRows.lowerBound)
        }
        return current
    }

    /// Returns the pixels in `columns` x `rows`.
    func cropped(columns: Range<Int>, rows: Range<Int>) -> RGBImage {
        if columns == 0..<width && rows == 0..<height {
            return self
        }
        var out: [UInt8] = []
        out.reserveCapacity(columns.count * rows.count * 3)
        for row in rows {
            let start = (row * width + columns.lowerBound) * 3
            out.append(contentsOf: pixels[start..<(start + columns.count * 3)])
        }
        return RGBImage(width: columns.count, height: rows.count, pixels: out)
    }

    /// Runs the horizontal pass over source `rows`, computing the output columns of `taps`.
    private func resampleHorizontally(_ taps: ResampleTaps, rows: Range<Int>) -> RGBImage {
        let columns = taps.outputs
        let outWidth = columns.count
        var out = [UInt8](repeating: 0, count: outWidth * rows.count * 3)
        // One source row split into R, G and B planes, so each dot product
        // below reads contiguous bytes and the compiler can vectorize it.
        var planes = [UInt8](repeating: 0, count: width * 3)
        let half: Int32 = 1 << (precisionBits - 1)
        let inputWidth = width

        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                planes.withUnsafeMutableBufferPointer { planes in
                    taps.weights.withUnsafeBufferPointer { weights in
                        taps.first.withUnsafeBufferPointer { first in
                            taps.count.withUnsafeBufferPointer { count in
                                guard let planeBase = planes.baseAddress, let weightBase = weights.baseAddress else { return }
                                // Only the source columns that the output columns read.
                                let sourceColumns = taps.sources(of: columns.lowerBound).lowerBound
                                    ..< taps.sources(of: columns.upperBound - 1).upperBound
                                for (outRow, row) in rows.enumerated() {
                                    let rowStart = row * inputWidth * 3
                                    for x in sourceColumns {
                                        planes[x] = source[rowStart + x * 3]
                                        planes[inputWidth + x] = source[rowStart + x * 3 + 1]
                                        planes[2 * inputWidth + x] = source[rowStart + x * 3 + 2]
                                    }
                                    for outColumn in 0..<outWidth {
                                        let kernel = weightBase + outColumn * taps.kernelSize
                                        let low = first[outColumn], tapCount = count[outColumn]
                                        let to = (outRow * outWidth + outColumn) * 3
                                        for channel in 0..<3 {
                                            let samples = planeBase + channel * inputWidth + low
                                            var sum = half
                                            for tap in 0..<tapCount {
                                                sum = sum &+ Int32(samples[tap]) &* kernel[tap]
                                            }
                                            target[to + channel] = clip8(sum)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: rows.count, pixels: out)
    }

    /// Runs the vertical pass, computing the output rows of `taps`. `rowShift`
    /// is the source row of this image's row 0.
    private func resampleVertically(_ taps: ResampleTaps, rowShift: Int) -> RGBImage {
        let rows = taps.outputs
        let stride = width * 3
        var out = [UInt8](repeating: 0, count: stride * rows.count)
        let half: Int32 = 1 << (precisionBits - 1)
        var sums = [Int32](repeating: 0, count: stride)

        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                sums.withUnsafeMutableBufferPointer { sums in
                    taps.weights.withUnsafeBufferPointer { weights in
                        for outRow in 0..<rows.count {
                            let low = taps.first[outRow] - rowShift, tapCount = taps.count[outRow]
                            let kernel = outRow * taps.kernelSize
                            for i in 0..<stride { sums[i] = half }
                            // Row by row, so the inner loop runs over contiguous bytes.
                            for tap in 0..<tapCount {
                                let weight = weights[kernel + tap]
                                let rowStart = (low + tap) * stride
                                for i in 0..<stride {
                                    sums[i] = sums[i] &+ Int32(source[rowStart + i]) &* weight
                                }
                            }
                            let outStart = outRow * stride
                            for i in 0..<stride {
                                target[outStart + i] = clip8(sums[i])
                            }
                        }
                    }
                }
            }
        }
        return RGBImage(width: width, height: rows.count, pixels: out)
    }
}
