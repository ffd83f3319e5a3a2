/// CLIP's reversible map from the 256 byte values to printable characters,
/// so that BPE never sees whitespace or control characters.
///
/// Bytes `!`...`~`, `¡`...`¬` and `®`...`ÿ` stand for themselves; the 68 others
/// take U+0100 onwards in byte order. The vocabulary lists the 256 characters in
/// that order: printable bytes first, then the others.
enum ByteEncoder {
    /// The character each byte maps to, indexed by byte.
    static let characters: [Character] = {
        var table = [Character](repeating: " ", count: 256)
        for (byte, scalar) in pairs {
            table[Int(byte)] = Character(Unicode.Scalar(scalar) ?? " ")
        }
        return table
    }()

    /// `(byte, code point)` in the vocabulary's order.
    static let pairs: [(UInt8, UInt32)] = {
        var printable: [UInt8] = []
        for byte in 0...255 where (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte) {
            printable.append(UInt8(byte))
        }
        var result = printable.map { ($0, UInt32($0)) }
        var next: UInt32 = 256
        for byte in 0...255 where !printable.contains(UInt8(byte)) {
            result.append((UInt8(byte), next))
            next += 1
        }
        return result
    }()

    /// Returns the byte a character stands for, or nil for characters outside the map.
    static let byteForScalar: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in pairs { map[scalar] = byte }
        return map
    }()

    /// Returns the byte-level string for raw bytes, as the vocabulary spells it.
    static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var text = ""
        for byte in bytes { text.append(characters[Int(byte)]) }
        return text
    }

    /// Returns the raw bytes of a vocabulary string, or nil when a character is
    /// outside the byte map (only the special tokens' text maps back fully as ASCII).
    static func decode(_ token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        for scalar in token.unicodeScalars {
            guard let byte = byteForScalar[scalar.value] else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
