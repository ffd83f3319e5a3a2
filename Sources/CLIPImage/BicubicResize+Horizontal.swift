import CImageCodecs

// The horizontal pass of the bicubic resize, one source row at a time, so
// that a decoder can feed it rows as it decodes them.

/// Resamples RGB rows horizontally with the taps of one pass. A class, so
/// that its row buffer is allocated once and never copied on write.
final class HorizontalResampler {
    let taps: ResampleTaps
    /// The source columns that the output columns read.
    let sourceColumns: Range<Int>
    /// One source row split into R, G and B planes indexed by source column,
    /// so each dot product reads contiguous bytes. Each plane has 8 spare
    /// zero bytes because the dot products read whole blocks of 8 samples.
    private let planes: UnsafeMutableBufferPointer<UInt8>
    private let planeStride: Int

    init(taps: ResampleTaps, inputWidth: Int) {
        self.taps = taps
        sourceColumns = taps.sources(of: taps.outputs.lowerBound).lowerBound
            ..< taps.sources(of: taps.outputs.upperBound - 1).upperBound
        planeStride = inputWidth + 8
        planes = .allocate(capacity: planeStride * 3)
        planes.initialize(repeating: 0)
    }

    deinit {
        planes.deallocate()
    }

    /// Writes the `taps.outputs.count` RGB pixels of one output row to `out`.
    /// `row` points at source column `origin` of an interleaved RGB row that
    /// covers at least `sourceColumns`.
    func resample(row: UnsafePointer<UInt8>, origin: Int, into out: UnsafeMutablePointer<UInt8>) {
        precondition(origin <= sourceColumns.lowerBound, "the row starts after the first column the taps read")
        guard let planeBase = planes.baseAddress else { return }
        let planeStride = self.planeStride
        deinterleave(row + (sourceColumns.lowerBound - origin) * 3, columns: sourceColumns,
                     into: planeBase, planeStride: planeStride)
        taps.highWeights.withUnsafeBufferPointer { highWeights in
            taps.lowWeights.withUnsafeBufferPointer { lowWeights in
                taps.first.withUnsafeBufferPointer { first in
                    taps.count.withUnsafeBufferPointer { count in
                        guard let highBase = highWeights.baseAddress, let lowBase = lowWeights.baseAddress else { return }
                        var to = out
                        for slot in 0..<count.count {
                            let high = highBase + slot &* taps.vectorKernelSize
                            let lowHalf = lowBase + slot &* taps.vectorKernelSize
                            for channel in 0..<3 {
                                let samples = planeBase + (channel &* planeStride &+ first[slot])
                                to[channel] = clip8(dotProduct(samples, high, lowHalf, count: count[slot]))
                            }
                            to += 3
                        }
                    }
                }
            }
        }
    }
}

/// Copies the pixels in `columns` of an interleaved RGB row that starts at
/// `columns.lowerBound` into three planes `planeStride` bytes apart, each
/// indexed by column.
@inline(__always)
private func deinterleave(_ row: UnsafePointer<UInt8>, columns: Range<Int>, into planes: UnsafeMutablePointer<UInt8>,
                         planeStride: Int) {
    let red = planes + columns.lowerBound
    cic_deinterleave_rgb(row, columns.count, red, red + planeStride, red + 2 * planeStride)
}

/// Returns the rounding offset plus the sum of samples[i] x weight[i] for i
/// below `count`, where weight = high << 15 + low. Reads whole blocks of 8,
/// so samples and both weight lists must hold `count` rounded up to 8 values,
/// the weights past `count` being 0.
@inline(__always)
private func dotProduct(_ samples: UnsafePointer<UInt8>, _ high: UnsafePointer<Int16>, _ low: UnsafePointer<Int16>,
                        count: Int) -> Int32 {
    var highSums = SIMD8<Int32>(), lowSums = SIMD8<Int32>()
    var tap = 0
    while tap < count {
        let values = SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(samples + tap).loadUnaligned(as: SIMD8<UInt8>.self))
        let highBlock = SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(high + tap).loadUnaligned(as: SIMD8<Int16>.self))
        let lowBlock = SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(low + tap).loadUnaligned(as: SIMD8<Int16>.self))
        highSums &+= values &* highBlock
        lowSums &+= values &* lowBlock
        tap &+= 8
    }
    // Wrapping arithmetic gives the exact sum because the sum itself fits in
    // Int32, as in Pillow's own 32-bit arithmetic.
    let half: Int32 = 1 << (precisionBits - 1)
    return half &+ (highSums.wrappedSum() &<< 15) &+ lowSums.wrappedSum()
}
