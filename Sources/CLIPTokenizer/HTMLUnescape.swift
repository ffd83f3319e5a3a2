/// Python 3.11's `html.unescape`: HTML5 named references (longest known
/// prefix when the name runs on), decimal and hexadecimal references with
/// HTML5's replacements for invalid numbers.
enum HTMLUnescape {
    /// Entity names with and without ';', from `html.entities.html5`.
    static let entities: [String: [UInt32]] = parseEntityTable(html5Entities)
    static let longestName = 32

    /// Windows-1252 for bytes 0x80...0x9F; the five bytes it leaves undefined map to themselves.
    static let windows1252C1: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160, 0x2039, 0x152, 0x8D, 0x17D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0x9D, 0x17E, 0x178,
    ]

    static func unescape(_ text: TrackedText) -> TrackedText {
        guard text.scalars.contains(0x26) else { return text }  // '&'
        var result = TrackedText(tracking: text.tracking, capacity: text.count)
        var index = 0
        while index < text.count {
            guard text.scalars[index] == 0x26, let (end, replacement) = reference(in: text.scalars, at: index) else {
                result.append(text.scalars[index], from: text, at: index)
                index += 1
                continue
            }
            for scalar in replacement.value { result.append(scalar, from: text, index..<(replacement.consumed)) }
            result.append(contentsOf: text, replacement.consumed..<end)
            index = end
        }
        return result
    }

    /// Matches a character reference at `start` (an '&'). Returns the end of the
    /// match, the replacement scalars, and where the replaced part ends (a named
    /// reference may replace only a prefix of what the pattern matched).
    static func reference(in scalars: [UInt32], at start: Int) -> (Int, (value: [UInt32], consumed: Int))? {
        var index = start + 1
        guard index < scalars.count else { return nil }

        if scalars[index] == 0x23 {  // '#'
            index += 1
            var radix: UInt32 = 10
            if index < scalars.count, scalars[index] == 0x78 || scalars[index] == 0x58 {  // 'x' or 'X'
                radix = 16
                index += 1
            }
            let digitsStart = index
            var value: UInt32 = 0
            while index < scalars.count, let digit = digitValue(scalars[index], radix: radix) {
                value = min(value &* radix &+ digit, 0x110000)  // saturates: anything above U+10FFFF is invalid alike
                index += 1
            }
            guard index > digitsStart else { return nil }
            if index < scalars.count, scalars[index] == 0x3B { index += 1 }  // optional ';'
            return (index, (numericReplacement(value), index))
        }

        // Named: 1 to 32 characters other than \t \n \f space < & # ;, then an optional ';'.
        while index < scalars.count, index - start - 1 < longestName, !isNameTerminator(scalars[index]) { index += 1 }
        guard index > start + 1 else { return nil }
        if index < scalars.count, scalars[index] == 0x3B { index += 1 }

        let name = scalars[(start + 1)..<index]
        if let value = entities[string(name)] { return (index, (value, index)) }
        // The longest prefix of at least 2 characters that names an entity.
        var length = name.count - 1
        while length > 1 {
            let prefixEnd = start + 1 + length
            if let value = entities[string(scalars[(start + 1)..<prefixEnd])] {
                return (index, (value, prefixEnd))
            }
            length -= 1
        }
        return nil
    }

    static func numericReplacement(_ value: UInt32) -> [UInt32] {
        switch value {
        case 0x00: return [0xFFFD]
        case 0x0D: return [0x0D]
        case 0x80...0x9F: return [windows1252C1[Int(value - 0x80)]]
        case 0xD800...0xDFFF, 0x110000...: return [0xFFFD]
        case 0x01...0x08, 0x0B, 0x0E...0x1F, 0x7F, 0xFDD0...0xFDEF: return []
        default:
            if value & 0xFFFE == 0xFFFE { return [] }  // U+xFFFE and U+xFFFF in every plane
            return [value]
        }
    }

    @inline(__always)
    static func digitValue(_ scalar: UInt32, radix: UInt32) -> UInt32? {
        switch scalar {
        case 0x30...0x39: return scalar - 0x30
        case 0x61...0x66 where radix == 16: return scalar - 0x61 + 10
        case 0x41...0x46 where radix == 16: return scalar - 0x41 + 10
        default: return nil
        }
    }

    @inline(__always)
    static func isNameTerminator(_ scalar: UInt32) -> Bool {
        scalar == 0x09 || scalar == 0x0A || scalar == 0x0C || scalar == 0x20
            || scalar == 0x3C || scalar == 0x26 || scalar == 0x23 || scalar == 0x3B
    }
}

func string<S: Sequence>(_ scalars: S) -> String where S.Element == UInt32 {
    var text = ""
    for value in scalars {
        if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
    }
    return text
}

/// Parses "name<TAB>hex scalars" lines.
func parseEntityTable(_ text: String) -> [String: [UInt32]] {
    var table: [String: [UInt32]] = [:]
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: "\t")
        guard parts.count == 2 else { continue }
        table[String(parts[0])] = parts[1].split(separator: " ").compactMap { UInt32($0, radix: 16) }
    }
    return table
}
