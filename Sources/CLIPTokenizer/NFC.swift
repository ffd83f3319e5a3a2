import Foundation

/// Unicode NFC, applied chunk by chunk so each scalar keeps its source span.
///
/// A chunk starts at a scalar that can neither reorder with nor compose onto
/// what precedes it: anything below U+0300, CJK ideographs and Hangul
/// syllables. Chunks that normalization leaves alone keep their spans; the
/// scalars of a changed chunk all get the span of the whole chunk.
///
/// NOTE: this uses Foundation's normalization (Swift's Unicode version), where
/// Python 3.11 uses Unicode 14.0; characters added after 14.0 with
/// decompositions could differ.
enum NFC {
    static func normalize(_ text: TrackedText) -> TrackedText {
        guard text.scalars.contains(where: { $0 >= 0x300 }) else { return text }

        var result = TrackedText(tracking: text.tracking, capacity: text.count)
        var start = 0
        while start < text.count {
            var end = start + 1
            while end < text.count, !isChunkStart(text.scalars[end]) { end += 1 }
            appendNormalized(text, start..<end, to: &result)
            start = end
        }
        return result
    }

    @inline(__always)
    static func isChunkStart(_ scalar: UInt32) -> Bool {
        scalar < 0x300 || (0x4E00...0x9FFF).contains(scalar) || (0xAC00...0xD7A3).contains(scalar)
    }

    static func appendNormalized(_ text: TrackedText, _ range: Range<Int>, to result: inout TrackedText) {
        guard text.scalars[range].contains(where: { $0 >= 0x300 }) else {
            result.append(contentsOf: text, range)
            return
        }
        let normalized = string(text.scalars[range]).precomposedStringWithCanonicalMapping.unicodeScalars.map(\.value)
        if normalized.elementsEqual(text.scalars[range]) {
            result.append(contentsOf: text, range)
        } else {
            for scalar in normalized { result.append(scalar, from: text, range) }
        }
    }
}
