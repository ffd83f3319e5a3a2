/// Parses one JSON string literal, the input format of `tokenize --jsonl`.
enum JSONStringParser {
    struct ParseError: Error {
        let message: String
    }

    /// Parses `"..."` with optional surrounding whitespace. A lone UTF-16
    /// surrogate escape becomes U+FFFD, as ftfy makes of it in Python.
    static func parse(_ bytes: [UInt8]) throws -> String {
        var index = 0
        func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0D, 0x0A].contains(bytes[index]) { index += 1 }
        }
        skipWhitespace()
        guard index < bytes.count, bytes[index] == 0x22 else {
            throw ParseError(message: "expected a JSON string in double quotes")
        }
        index += 1

        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var pendingHighSurrogate: UInt32?
        func flushSurrogate() {
            if pendingHighSurrogate != nil { appendScalar(0xFFFD, to: &output) }
            pendingHighSurrogate = nil
        }

        while true {
            guard index < bytes.count else { throw ParseError(message: "the string has no closing quote") }
            let byte = bytes[index]
            index += 1
            if byte == 0x22 { break }
            if byte < 0x20 { throw ParseError(message: "control character 0x\(String(byte, radix: 16)) must be escaped") }
            guard byte == 0x5C else {
                flushSurrogate()
                output.append(byte)
                continue
            }
            guard index < bytes.count else { throw ParseError(message: "the string ends inside an escape") }
            let escape = bytes[index]
            index += 1
            if escape == 0x75 {  // \uXXXX
                guard index + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else {
                    throw ParseError(message: "\\u must be followed by four hexadecimal digits")
                }
                index += 4
                switch value {
                case 0xD800...0xDBFF:
                    flushSurrogate()
                    pendingHighSurrogate = value
                case 0xDC00...0xDFFF:
                    if let high = pendingHighSurrogate {
                        appendScalar(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00), to: &output)
                        pendingHighSurrogate = nil
                    } else {
                        appendScalar(0xFFFD, to: &output)
                    }
                default:
                    flushSurrogate()
                    appendScalar(value, to: &output)
                }
                continue
            }
            flushSurrogate()
            switch escape {
            case 0x22: output.append(0x22)
            case 0x5C: output.append(0x5C)
            case 0x2F: output.append(0x2F)
            case 0x62: output.append(0x08)
            case 0x66: output.append(0x0C)
            case 0x6E: output.append(0x0A)
            case 0x72: output.append(0x0D)
            case 0x74: output.append(0x09)
            default: throw ParseError(message: "invalid escape \\\(Character(Unicode.Scalar(escape)))")
            }
        }
        flushSurrogate()
        skipWhitespace()
        guard index == bytes.count else { throw ParseError(message: "unexpected text after the closing quote") }
        return String(decoding: output, as: UTF8.self)
    }

    private static func appendScalar(_ value: UInt32, to output: inout [UInt8]) {
        guard let scalar = Unicode.Scalar(value) else { return }
        output.append(contentsOf: Array(String(Character(scalar)).utf8))
    }
}
