/// ftfy's byte-level repairs, applied to the bytes of re-encoded text
/// before it is decoded as UTF-8.
enum ByteRepair {
    typealias ByteClass = [ClosedRange<UInt8>]

    static let space: ByteClass = [0x20...0x20]
    static let continuation: ByteClass = [0x80...0xBF]
    static let continuationNoA0or85: ByteClass = [0x80...0x84, 0x86...0x9F, 0xA1...0xBF]

    /// ftfy's ALTERED_UTF8_RE: UTF-8 sequences where a 0xA0 byte became a space.
    static let alteredUTF8: [[ByteClass]] = [
        [[0xC2...0xC3, 0xC5...0xC5, 0xCE...0xCE, 0xD0...0xD0, 0xD9...0xD9], space],
        [[0xE2...0xE3], space, continuationNoA0or85],
        [[0xE0...0xE3], continuationNoA0or85, space],
        [[0xF0...0xF0], space, continuation, continuation],
        [[0xF0...0xF0], continuation, space, continuation],
        [[0xF0...0xF0], continuation, continuation, space],
    ]

    static let lost: ByteClass = [0x1A...0x1A]
    static let lostOrQuestion: ByteClass = [0x1A...0x1A, 0x3F...0x3F]
    static let lostOrContinuation: ByteClass = [0x1A...0x1A, 0x80...0xBF]
    static let anyTail: ByteClass = [0x1A...0x1A, 0x3F...0x3F, 0x80...0xBF]

    /// ftfy's LOSSY_UTF8_RE: UTF-8 sequences with bytes lost to 0x1A (or once to '?').
    static let lossyUTF8: [[ByteClass]] = [
        [[0xC2...0xDF], lost],
        [[0xC2...0xC3], [0x3F...0x3F]],
        [[0xED...0xED], [0xA0...0xAF], lostOrQuestion, [0xED...0xED], [0xB0...0xBF], anyTail],
        [[0xED...0xED], [0xA0...0xAF], anyTail, [0xED...0xED], [0xB0...0xBF], lostOrQuestion],
        [[0xE0...0xEF], lostOrQuestion, lostOrContinuation],
        [[0xE0...0xEF], lostOrContinuation, lostOrQuestion],
        [[0xF0...0xF4], lostOrQuestion, lostOrContinuation, lostOrContinuation],
        [[0xF0...0xF4], lostOrContinuation, lostOrQuestion, lostOrContinuation],
        [[0xF0...0xF4], lostOrContinuation, lostOrContinuation, lostOrQuestion],
        [lost],
    ]

    /// Returns the length of the first alternative of `pattern` that matches at `start`, or nil.
    static func match(_ pattern: [[ByteClass]], _ bytes: [UInt8], at start: Int) -> Int? {
        for sequence in pattern where start + sequence.count <= bytes.count {
            var matched = true
            for (offset, byteClass) in sequence.enumerated() where !byteClass.contains(where: { $0.contains(bytes[start + offset]) }) {
                matched = false
                break
            }
            if matched { return sequence.count }
        }
        return nil
    }

    static func containsAlteredUTF8(_ bytes: [UInt8]) -> Bool {
        (0..<bytes.count).contains { match(alteredUTF8, bytes, at: $0) != nil }
    }

    /// Applies ftfy's restore_byte_a0. First, "Ã " (0xC3, space) gets its 0xA0 back and
    /// keeps the space, unless another space or the Portuguese "às", "àquele", "àquela" or
    /// "àquilo" follows.
    /// Then the spaces inside altered UTF-8 sequences become 0xA0.
    static func restoreByteA0(_ input: EncodedBytes) -> EncodedBytes {
        var step = EncodedBytes(bytes: [], origins: [])
        var index = 0
        let bytes = input.bytes
        while index < bytes.count {
            if bytes[index] == 0xC3, index + 1 < bytes.count, bytes[index + 1] == 0x20, !startsPortugueseException(bytes, at: index + 2) {
                step.bytes += [0xC3, 0xA0, 0x20]
                step.origins += [input.origins[index], input.origins[index], input.origins[index + 1]]
                index += 2
                continue
            }
            step.bytes.append(bytes[index])
            step.origins.append(input.origins[index])
            index += 1
        }

        var result = step
        index = 0
        while index < result.bytes.count {
            guard let length = match(alteredUTF8, result.bytes, at: index) else {
                index += 1
                continue
            }
            for offset in index..<(index + length) where result.bytes[offset] == 0x20 { result.bytes[offset] = 0xA0 }
            index += length
        }
        return result
    }

    private static let portugueseExceptions: [[UInt8]] = [" ", "quele", "quela", "quilo", "s "].map { Array($0.utf8) }

    static func startsPortugueseException(_ bytes: [UInt8], at start: Int) -> Bool {
        portugueseExceptions.contains { word in
            start + word.count <= bytes.count && bytes[start..<(start + word.count)].elementsEqual(word)
        }
    }

    /// ftfy's replace_lossy_sequences: each lossy sequence becomes the UTF-8 of U+FFFD.
    static func replaceLossySequences(_ input: EncodedBytes) -> EncodedBytes {
        guard input.bytes.contains(0x1A) || input.bytes.contains(0x3F) else { return input }
        var result = EncodedBytes(bytes: [], origins: [])
        var index = 0
        while index < input.bytes.count {
            guard let length = match(lossyUTF8, input.bytes, at: index) else {
                result.bytes.append(input.bytes[index])
                result.origins.append(input.origins[index])
                index += 1
                continue
            }
            let origin = input.origins[index].lowerBound..<input.origins[index + length - 1].upperBound
            result.bytes += [0xEF, 0xBF, 0xBD]
            result.origins += [origin, origin, origin]
            index += length
        }
        return result
    }
}

/// Strict UTF-8 decoding as Python's codec, optionally with ftfy's
/// "utf-8-variants" additions: CESU-8 surrogate pairs and the two-byte NUL (C0 80).
enum UTF8Decoding {
    static func decode(_ encoded: EncodedBytes, source: TrackedText, allowVariants: Bool) -> TrackedText? {
        let bytes = encoded.bytes
        var result = TrackedText(tracking: source.tracking, capacity: bytes.count)
        var index = 0
        while index < bytes.count {
            guard let (scalar, length) = decodeOne(bytes, at: index, allowVariants: allowVariants) else { return nil }
            let origin = encoded.origins[index].lowerBound..<encoded.origins[index + length - 1].upperBound
            result.append(scalar, from: source, origin)
            index += length
        }
        return result
    }

    static func decodeOne(_ bytes: [UInt8], at index: Int, allowVariants: Bool) -> (UInt32, Int)? {
        let lead = bytes[index]
        func byte(_ offset: Int, _ range: ClosedRange<UInt8>) -> UInt32? {
            guard index + offset < bytes.count, range.contains(bytes[index + offset]) else { return nil }
            return UInt32(bytes[index + offset] & 0x3F)
        }
        switch lead {
        case 0x00...0x7F:
            return (UInt32(lead), 1)
        case 0xC0 where allowVariants:
            guard byte(1, 0x80...0x80) != nil else { return nil }
            return (0, 2)
        case 0xC2...0xDF:
            guard let b1 = byte(1, 0x80...0xBF) else { return nil }
            return ((UInt32(lead) & 0x1F) << 6 | b1, 2)
        case 0xE0...0xEF:
            if lead == 0xED, allowVariants, let pair = decodeSurrogatePair(bytes, at: index) { return (pair, 6) }
            let secondRange: ClosedRange<UInt8> = lead == 0xE0 ? 0xA0...0xBF : (lead == 0xED ? 0x80...0x9F : 0x80...0xBF)
            guard let b1 = byte(1, secondRange), let b2 = byte(2, 0x80...0xBF) else { return nil }
            return ((UInt32(lead) & 0x0F) << 12 | b1 << 6 | b2, 3)
        case 0xF0...0xF4:
            let secondRange: ClosedRange<UInt8> = lead == 0xF0 ? 0x90...0xBF : (lead == 0xF4 ? 0x80...0x8F : 0x80...0xBF)
            guard let b1 = byte(1, secondRange), let b2 = byte(2, 0x80...0xBF), let b3 = byte(3, 0x80...0xBF) else { return nil }
            return ((UInt32(lead) & 0x07) << 18 | b1 << 12 | b2 << 6 | b3, 4)
        default:
            return nil
        }
    }

    /// ED A0-AF xx ED B0-BF xx: a UTF-16 surrogate pair written as two 3-byte sequences.
    static func decodeSurrogatePair(_ bytes: [UInt8], at index: Int) -> UInt32? {
        guard index + 5 < bytes.count, bytes[index] == 0xED, (0xA0...0xAF).contains(bytes[index + 1]),
              (0x80...0xBF).contains(bytes[index + 2]), bytes[index + 3] == 0xED,
              (0xB0...0xBF).contains(bytes[index + 4]), (0x80...0xBF).contains(bytes[index + 5]) else { return nil }
        let high = 0xD000 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
        let low = 0xD000 | UInt32(bytes[index + 4] & 0x3F) << 6 | UInt32(bytes[index + 5] & 0x3F)
        return 0x10000 + (high - 0xD800) << 10 + (low - 0xDC00)
    }
}

/// ftfy's UTF8_DETECTOR_RE and decode_inconsistent_utf8: runs of characters
/// that look like UTF-8 read as a single-byte encoding, inside otherwise good text.
enum UTF8Detector {
    static let firstOfTwo: UInt8 = 1, firstOfThree: UInt8 = 2, firstOfFour: UInt8 = 4
    static let continuation: UInt8 = 8, strictContinuation: UInt8 = 16

    static let flags: [UInt32: UInt8] = {
        let names: [String: UInt8] = ["utf8_first_of_2": firstOfTwo, "utf8_first_of_3": firstOfThree,
                                      "utf8_first_of_4": firstOfFour, "utf8_continuation": continuation,
                                      "utf8_continuation_strict": strictContinuation]
        var table: [UInt32: UInt8] = [:]
        for entry in utf8Clues.split(separator: ";") {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let flag = names[String(parts[0])] else { continue }
            for range in parseRanges(String(parts[1])) {
                for scalar in range { table[scalar, default: 0] |= flag }
            }
        }
        return table
    }()

    /// Note that the continuation class includes the ASCII space, which stands for a lost 0xA0 byte.
    @inline(__always)
    static func has(_ flag: UInt8, _ scalar: UInt32) -> Bool {
        (flags[scalar] ?? 0) & flag != 0
    }

    /// Returns the end of a detector match starting at `start`, or nil.
    static func matchEnd(_ scalars: [UInt32], at start: Int) -> Int? {
        if start > 0, has(strictContinuation, scalars[start - 1]) { return nil }
        var index = start
        while index < scalars.count {
            let lead = scalars[index]
            let tail: Int
            if has(firstOfTwo, lead) && continuationRun(scalars, from: index + 1, count: 1) {
                tail = 1
            } else if has(firstOfThree, lead) && continuationRun(scalars, from: index + 1, count: 2) {
                tail = 2
            } else if has(firstOfFour, lead) && continuationRun(scalars, from: index + 1, count: 3) {
                tail = 3
            } else {
                break
            }
            index += 1 + tail
        }
        return index > start ? index : nil
    }

    static func continuationRun(_ scalars: [UInt32], from start: Int, count: Int) -> Bool {
        guard start + count <= scalars.count else { return false }
        return scalars[start..<(start + count)].allSatisfy { has(continuation, $0) }
    }

    static func containsMatch(_ scalars: [UInt32]) -> Bool {
        (0..<scalars.count).contains { matchEnd(scalars, at: $0) != nil }
    }

    /// Fixes each detected run that is shorter than the whole text and looks bad on its own.
    static func decodeInconsistentUTF8(_ text: TrackedText) -> TrackedText {
        var result = TrackedText(tracking: text.tracking, capacity: text.count)
        var index = 0
        while index < text.count {
            guard let end = matchEnd(text.scalars, at: index) else {
                result.append(text.scalars[index], from: text, at: index)
                index += 1
                continue
            }
            let run = text.slice(index..<end)
            let fixed = run.count < text.count && Badness.isBad(run.scalars) ? Mojibake.fixEncoding(run) : run
            result.append(contentsOf: fixed, 0..<fixed.count)
            index = end
        }
        return result
    }
}
