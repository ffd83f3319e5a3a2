import Foundation

/// Unicode NFC, applied chunk by chunk so each scalar keeps its source span.
///
/// A chunk starts at a code point that NFC leaves alone and that cannot join
/// what precedes it (no "nfcUnstable" flag, generated from Python's
/// unicodedata). Only chunks holding an unstable code point are normalized.
/// Chunks that normalization leaves alone keep their spans; the scalars of a
/// changed chunk all get the span of the whole chunk.
///
/// NOTE: the normalization itself is Foundation's (Swift's Unicode version),
/// where Python 3.11 uses Unicode 14.0; characters added after 14.0 with
/// decompositions could differ.
enum NFC {
    static func normalize(_ text: TrackedText) -> TrackedText {
        let classes = CharacterClasses.shared
        guard text.scalars.contains(where: { classes.has(CharacterClasses.nfcUnstable, $0) }) else { return text }

        var result = TrackedText(tracking: text.tracking, capacity: text.count)
        var start = 0
        while start < text.count {
            var end = start + 1
            while end < text.count, classes.has(CharacterClasses.nfcUnstable, text.scalars[end]) { end += 1 }
            appendNormalized(text, start..<end, to: &result)
            start = end
        }
        return result
    }

    static func appendNormalized(_ text: TrackedText, _ range: Range<Int>, to result: inout TrackedText) {
        let classes = CharacterClasses.shared
        guard text.scalars[range].contains(where: { classes.has(CharacterClasses.nfcUnstable, $0) }) else {
            result.append(contentsOf: text, range)
            return
        }
        let foundation = string(text.scalars[range]).precomposedStringWithCanonicalMapping.unicodeScalars.map(\.value)
        let normalized = composeHangul(foundation)
        if normalized.elementsEqual(text.scalars[range]) {
            result.append(contentsOf: text, range)
        } else {
            for scalar in normalized { result.append(scalar, from: text, range) }
        }
    }

    /// Composes adjacent Hangul jamo into syllables (L+V, then LV+T), the algorithmic part of
    /// canonical composition. Foundation on Linux leaves an LV syllable and a following
    /// T jamo apart (checked with swift-corelibs-foundation in Swift 6.3.1), Python joins them.
    static func composeHangul(_ scalars: [UInt32]) -> [UInt32] {
        let syllableBase: UInt32 = 0xAC00, leadingBase: UInt32 = 0x1100, vowelBase: UInt32 = 0x1161, trailingBase: UInt32 = 0x11A7
        let vowelCount: UInt32 = 21, trailingCount: UInt32 = 28, syllableCount: UInt32 = 11172
        var result: [UInt32] = []
        result.reserveCapacity(scalars.count)
        for scalar in scalars {
            if let last = result.last {
                if (leadingBase..<(leadingBase + 19)).contains(last), (vowelBase..<(vowelBase + vowelCount)).contains(scalar) {
                    let index = ((last - leadingBase) * vowelCount + (scalar - vowelBase)) * trailingCount
                    result[result.count - 1] = syllableBase + index
                    continue
                }
                if (syllableBase..<(syllableBase + syllableCount)).contains(last), (last - syllableBase) % trailingCount == 0,
                   ((trailingBase + 1)..<(trailingBase + trailingCount)).contains(scalar) {
                    result[result.count - 1] = last + (scalar - trailingBase)
                    continue
                }
            }
            result.append(scalar)
        }
        return result
    }
}
