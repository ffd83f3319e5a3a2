import Foundation

/// ftfy 6.3.1's `fix_text` with its default settings, written from ftfy's
/// documented behaviour.
///
/// The text is fixed one line at a time (a segment ends after each "\n", or
/// after 1,000,000 code points). HTML entities are decoded only until a line
/// containing '<' is seen: from then on ftfy assumes the text is HTML and
/// leaves entities alone. Each segment goes through the fixers repeatedly until
/// a pass changes nothing.
enum Ftfy {
    static let maxSegmentLength = 1_000_000

    static func fixText(_ text: TrackedText) -> TrackedText {
        if isClean(text.scalars) { return text }

        var result = TrackedText(tracking: text.tracking, capacity: text.count)
        var unescapeHTML = true
        var start = 0
        while start < text.count {
            var end = start
            while end < text.count, end - start < maxSegmentLength {
                end += 1
                if text.scalars[end - 1] == 0x0A { break }
            }
            var segment = text.slice(start..<end)
            if unescapeHTML, segment.scalars.contains(0x3C) { unescapeHTML = false }  // '<'
            segment = fixSegment(segment, unescapeHTML: unescapeHTML)
            result.append(contentsOf: segment, 0..<segment.count)
            start = end
        }
        return result
    }

    /// True for text no fixer changes: printable ASCII, tab, "\n" and form feed, without '&' or escape sequences.
    static func isClean(_ scalars: [UInt32]) -> Bool {
        for scalar in scalars {
            if scalar >= 0x20 && scalar < 0x7F && scalar != 0x26 { continue }
            if scalar == 0x09 || scalar == 0x0A || scalar == 0x0C { continue }
            return false
        }
        return true
    }

    static func fixSegment(_ segment: TrackedText, unescapeHTML: Bool) -> TrackedText {
        let classes = CharacterClasses.shared
        var text = segment
        while true {
            let before = text.scalars
            if unescapeHTML { text = unescapeEntities(text) }
            text = Mojibake.fixEncoding(text)
            text = map(text) { $0 >= 0x80 && $0 <= 0x9F ? [HTMLUnescape.windows1252C1[Int($0 - 0x80)]] : nil }
            text = map(text) { classes.has(CharacterClasses.ligatureOrWidth, $0) ? ligatures[$0] : nil }
            text = map(text) { classes.has(CharacterClasses.ligatureOrWidth, $0) ? widths[$0] : nil }
            text = uncurlQuotes(text)
            text = fixLineBreaks(text)
            text = removeTerminalEscapes(text)
            text = removeControlCharacters(text)
            text = NFC.normalize(text)
            if text.scalars == before { return text }
        }
    }

    // MARK: - Tables

    static let ligatures: [UInt32: [UInt32]] = parseMappings(ligatureMappings)
    static let widths: [UInt32: [UInt32]] = parseMappings(widthMappings)
    static let controlCharacters: Set<UInt32> = parseCodePoints(removedControlCharacters)
    /// ftfy's own entity table: "&name;" keys, including upper-cased names of lower-case entities.
    static let ftfyEntityTable: [String: [UInt32]] = parseEntityTable(ftfyEntities)

    // MARK: - Fixers

    /// Replaces scalars for which `replacement` returns a value; returns `text` itself when none does.
    static func map(_ text: TrackedText, _ replacement: (UInt32) -> [UInt32]?) -> TrackedText {
        guard let first = text.scalars.firstIndex(where: { replacement($0) != nil }) else { return text }
        var result = TrackedText(tracking: text.tracking, capacity: text.count + 8)
        result.append(contentsOf: text, 0..<first)
        for index in first..<text.count {
            if let pieces = replacement(text.scalars[index]) {
                for piece in pieces { result.append(piece, from: text, at: index) }
            } else {
                result.append(text.scalars[index], from: text, at: index)
            }
        }
        return result
    }

    /// ftfy's unescape_html: `&#?[0-9A-Za-z]{1,24};` looked up in ftfy's table;
    /// a numeric reference is decoded by `html.unescape` unless that leaves a ';'.
    static func unescapeEntities(_ text: TrackedText) -> TrackedText {
        guard text.scalars.contains(0x26) else { return text }
        var result = TrackedText(tracking: text.tracking, capacity: text.count)
        var index = 0
        while index < text.count {
            guard text.scalars[index] == 0x26, let end = entityEnd(text.scalars, from: index),
                  let value = entityValue(Array(text.scalars[index..<end])) else {
                result.append(text.scalars[index], from: text, at: index)
                index += 1
                continue
            }
            for scalar in value { result.append(scalar, from: text, index..<end) }
            index = end
        }
        return result
    }

    /// Returns the end of `&#?[0-9A-Za-z]{1,24};` starting at `start`, or nil.
    static func entityEnd(_ scalars: [UInt32], from start: Int) -> Int? {
        var index = start + 1
        if index < scalars.count, scalars[index] == 0x23 { index += 1 }
        let nameStart = index
        while index < scalars.count, isASCIIAlphanumeric(scalars[index]) { index += 1 }
        let length = index - nameStart
        guard length >= 1, length <= 24, index < scalars.count, scalars[index] == 0x3B else { return nil }
        return index + 1
    }

    static func entityValue(_ entity: [UInt32]) -> [UInt32]? {
        if let value = ftfyEntityTable[string(entity)] { return value }
        guard entity.count > 1, entity[1] == 0x23 else { return nil }
        let decoded = HTMLUnescape.unescape(TrackedText(original: entity.compactMap(Unicode.Scalar.init), tracking: false))
        return decoded.scalars.contains(0x3B) ? nil : decoded.scalars
    }

    static func uncurlQuotes(_ text: TrackedText) -> TrackedText {
        map(text) { scalar in
            if scalar == 0x2BC || (0x2018...0x201B).contains(scalar) { return [0x27] }
            if (0x201C...0x201F).contains(scalar) { return [0x22] }
            return nil
        }
    }

    /// "\r\n", "\r", U+2028, U+2029 and U+0085 each become "\n".
    static func fixLineBreaks(_ text: TrackedText) -> TrackedText {
        guard text.scalars.contains(where: { $0 == 0x0D || $0 == 0x2028 || $0 == 0x2029 || $0 == 0x85 }) else { return text }
        var result = TrackedText(tracking: text.tracking, capacity: text.count)
        var index = 0
        while index < text.count {
            let scalar = text.scalars[index]
            if scalar == 0x0D, index + 1 < text.count, text.scalars[index + 1] == 0x0A {
                result.append(0x0A, from: text, index..<(index + 2))
                index += 2
                continue
            }
            let isBreak = scalar == 0x0D || scalar == 0x2028 || scalar == 0x2029 || scalar == 0x85
            result.append(isBreak ? 0x0A : scalar, from: text, at: index)
            index += 1
        }
        return result
    }

    /// Removes ANSI sequences `ESC [ (digits or ';')* letter`; digits are any Unicode decimal digit, as Python's `\d`.
    static func removeTerminalEscapes(_ text: TrackedText) -> TrackedText {
        guard text.scalars.contains(0x1B) else { return text }
        let classes = CharacterClasses.shared
        var result = TrackedText(tracking: text.tracking, capacity: text.count)
        var index = 0
        while index < text.count {
            if text.scalars[index] == 0x1B, index + 1 < text.count, text.scalars[index + 1] == 0x5B {
                var end = index + 2
                while end < text.count, text.scalars[end] == 0x3B || classes.has(CharacterClasses.decimalDigit, text.scalars[end]) {
                    end += 1
                }
                if end < text.count, isASCIILetter(text.scalars[end]) {
                    index = end + 1
                    continue
                }
            }
            result.append(text.scalars[index], from: text, at: index)
            index += 1
        }
        return result
    }

    static func removeControlCharacters(_ text: TrackedText) -> TrackedText {
        let classes = CharacterClasses.shared
        guard text.scalars.contains(where: { classes.has(CharacterClasses.removedControl, $0) }) else { return text }
        var result = TrackedText(tracking: text.tracking, capacity: text.count)
        for index in 0..<text.count where !classes.has(CharacterClasses.removedControl, text.scalars[index]) {
            result.append(text.scalars[index], from: text, at: index)
        }
        return result
    }
}

@inline(__always)
func isASCIILetter(_ scalar: UInt32) -> Bool {
    (0x41...0x5A).contains(scalar) || (0x61...0x7A).contains(scalar)
}

@inline(__always)
func isASCIIAlphanumeric(_ scalar: UInt32) -> Bool {
    isASCIILetter(scalar) || (0x30...0x39).contains(scalar)
}
