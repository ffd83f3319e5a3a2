/// Text as Unicode scalars, each optionally tagged with the span of the
/// original input it came from (scalar offsets, half-open).
///
/// Cleanup steps build a new TrackedText from an old one. A scalar made from
/// several inputs (an HTML entity, "\r\n", a repaired UTF-8 sequence) gets the
/// union of their spans. Without tracking the span arrays stay empty, so
/// `encode` pays nothing for them.
struct TrackedText {
    var scalars: [UInt32] = []
    var starts: [Int32] = []
    var ends: [Int32] = []
    let tracking: Bool

    init(tracking: Bool, capacity: Int = 0) {
        self.tracking = tracking
        scalars.reserveCapacity(capacity)
        if tracking {
            starts.reserveCapacity(capacity)
            ends.reserveCapacity(capacity)
        }
    }

    /// Wraps the scalars of `text`; scalar `i` gets the span `i..<i+1`.
    init<S: Sequence>(original text: S, tracking: Bool) where S.Element == Unicode.Scalar {
        self.tracking = tracking
        scalars = text.map(\.value)
        if tracking {
            starts = (0..<scalars.count).map { Int32(truncatingIfNeeded: $0) }
            ends = starts.map { $0 &+ 1 }
        }
    }

    var count: Int { scalars.count }

    /// Appends a scalar whose source is `source[range]`.
    @inline(__always)
    mutating func append(_ scalar: UInt32, from source: TrackedText, _ range: Range<Int>) {
        scalars.append(scalar)
        if tracking {
            var low = source.starts[range.lowerBound]
            var high = source.ends[range.lowerBound]
            for index in range {
                low = min(low, source.starts[index])
                high = max(high, source.ends[index])
            }
            starts.append(low)
            ends.append(high)
        }
    }

    /// Appends a scalar that comes from `source[index]` alone.
    @inline(__always)
    mutating func append(_ scalar: UInt32, from source: TrackedText, at index: Int) {
        scalars.append(scalar)
        if tracking {
            starts.append(source.starts[index])
            ends.append(source.ends[index])
        }
    }

    /// Appends `source[range]` unchanged.
    mutating func append(contentsOf source: TrackedText, _ range: Range<Int>) {
        scalars.append(contentsOf: source.scalars[range])
        if tracking {
            starts.append(contentsOf: source.starts[range])
            ends.append(contentsOf: source.ends[range])
        }
    }

    /// Returns `self[range]` as its own TrackedText.
    func slice(_ range: Range<Int>) -> TrackedText {
        var result = TrackedText(tracking: tracking, capacity: range.count)
        result.append(contentsOf: self, range)
        return result
    }

    /// Returns the original span covered by `self[range]`, or nil without tracking or for an empty range.
    func span(_ range: Range<Int>) -> Range<Int>? {
        guard tracking, !range.isEmpty else { return nil }
        var low = Int(starts[range.lowerBound])
        var high = Int(ends[range.lowerBound])
        for index in range {
            low = min(low, Int(starts[index]))
            high = max(high, Int(ends[index]))
        }
        return low..<high
    }
}

/// Appends the UTF-8 bytes of a code point; surrogate values are skipped (strings never hold them).
@inline(__always)
func appendUTF8(_ value: UInt32, to bytes: inout [UInt8]) {
    switch value {
    case 0..<0x80:
        bytes.append(UInt8(value))
    case 0x80..<0x800:
        bytes.append(UInt8(0xC0 | (value >> 6)))
        bytes.append(UInt8(0x80 | (value & 0x3F)))
    case 0xD800..<0xE000:
        return
    case 0x800..<0x10000:
        bytes.append(UInt8(0xE0 | (value >> 12)))
        bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
        bytes.append(UInt8(0x80 | (value & 0x3F)))
    case 0x10000..<0x110000:
        bytes.append(UInt8(0xF0 | (value >> 18)))
        bytes.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
        bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
        bytes.append(UInt8(0x80 | (value & 0x3F)))
    default:
        return
    }
}
