/// Returns how a chip shows a token's bytes: complete UTF-8 characters as
/// themselves and bytes of a partial character as hex, e.g. `<E3 83>`, so a
/// byte-level piece of Japanese text stays readable. With `visibleWhitespace`,
/// spaces show as `·` and a word end as a trailing `·`.
public func tokenLabel(_ piece: TokenPiece, visibleWhitespace: Bool) -> String {
    var label = decodeForDisplay(piece.bytes, visibleSpaces: visibleWhitespace)
    if visibleWhitespace && piece.endsWord { label += "·" }
    return label.isEmpty ? "∅" : label
}

/// Decodes UTF-8 `bytes`, writing each run of bytes that does not form a
/// complete character as `<XX XX>`. Control characters show as `\u{...}`,
/// and spaces as `·` with `visibleSpaces`.
public func decodeForDisplay(_ bytes: [UInt8], visibleSpaces: Bool = false) -> String {
    var output = ""
    var invalid: [UInt8] = []
    var index = 0

    func flushInvalid() {
        guard !invalid.isEmpty else { return }
        output += "<" + invalid.map(hexByte).joined(separator: " ") + ">"
        invalid.removeAll()
    }

    while index < bytes.count {
        let length = utf8SequenceLength(bytes, at: index)
        if length == 0 {
            invalid.append(bytes[index])
            index += 1
            continue
        }
        flushInvalid()
        let character = String(decoding: bytes[index..<(index + length)], as: UTF8.self)
        if visibleSpaces && character == " " {
            output += "·"
        } else if let scalar = character.unicodeScalars.first, isControl(scalar) {
            output += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        } else {
            output += character
        }
        index += length
    }
    flushInvalid()
    return output
}

/// Returns the two hex digits of `byte`, uppercase.
public func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}

/// Returns the length of the valid UTF-8 sequence starting at `index`, or 0
/// when the bytes there are not one (a lone continuation byte, a truncated
/// or overlong sequence, a surrogate).
private func utf8SequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
    let lead = bytes[index]
    let length: Int
    let minimum: UInt32
    var value: UInt32
    switch lead {
    case 0x00...0x7F: return 1
    case 0xC2...0xDF: length = 2; minimum = 0x80; value = UInt32(lead & 0x1F)
    case 0xE0...0xEF: length = 3; minimum = 0x800; value = UInt32(lead & 0x0F)
    case 0xF0...0xF4: length = 4; minimum = 0x10000; value = UInt32(lead & 0x07)
    default: return 0
    }
    guard index + length <= bytes.count else { return 0 }
    for offset in 1..<length {
        let byte = bytes[index + offset]
        guard byte & 0xC0 == 0x80 else { return 0 }
        value = value << 6 | UInt32(byte & 0x3F)
    }
    if value < minimum || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { return 0 }
    return length
}
