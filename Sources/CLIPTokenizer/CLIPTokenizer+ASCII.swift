extension CLIPTokenizer {
    /// Encodes text made only of printable ASCII other than '&', plus tab,
    /// "\n", "\r" and form feed, straight from its UTF-8 bytes. Cleanup changes
    /// nothing in such text but whitespace and case, so the result equals the
    /// full pipeline's. Returns nil for any other text.
    func encodeSimpleASCII(_ text: String) -> [Int32]? {
        var ids: [Int32] = []
        let simple = scanSimpleASCII(text) { word, _ in
            encoder.encodeWord(word, into: &ids)
        }
        return simple ? ids : nil
    }

    /// `analyze` for the text `encodeSimpleASCII` accepts: in ASCII a byte offset
    /// is a scalar offset, so each piece's span is its byte range.
    func analyzeSimpleASCII(_ text: String) -> [TokenDetail]? {
        var details: [TokenDetail] = []
        var ids: [Int32] = []
        let simple = scanSimpleASCII(text) { word, wordStart in
            ids.removeAll(keepingCapacity: true)
            encoder.encodeWord(word, into: &ids)
            var offset = wordStart
            for id in ids {
                let piece = token(for: id) ?? ""
                let pieceBytes = bytes(for: id) ?? []
                let end = min(offset + max(pieceBytes.count, 1), wordStart + word.count)
                details.append(TokenDetail(id: id, piece: piece, bytes: pieceBytes,
                                           endsWord: piece.hasSuffix(Vocabulary.wordEnd), span: offset..<end))
                offset = end
            }
        }
        return simple ? details : nil
    }

    /// Splits simple ASCII text into CLIP's pre-tokens, lower-cased, and calls `body`
    /// with each one and its byte offset. Returns false, without calling `body`,
    /// when the text is not simple ASCII.
    func scanSimpleASCII(_ text: String, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) -> Bool {
        var text = text
        return text.withUTF8 { bytes -> Bool in
            for byte in bytes where !Self.isSimpleASCII(byte) { return false }

            // Lowercase once; every pre-token below is a slice of this buffer.
            var lowered = [UInt8](repeating: 0, count: bytes.count)
            for index in 0..<bytes.count {
                let byte = bytes[index]
                lowered[index] = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
            }

            lowered.withUnsafeBufferPointer { buffer in
                let count = buffer.count
                var index = 0
                while index < count {
                    let byte = buffer[index]
                    let start = index
                    switch Self.asciiClass(byte) {
                    case .space:
                        index += 1
                        continue
                    case .letter:
                        index += 1
                        while index < count, Self.asciiClass(buffer[index]) == .letter { index += 1 }
                    case .digit:
                        index += 1
                    case .other:
                        if byte == 0x3C, let end = Self.matchLiteral(Self.specialTokenBytes, buffer, at: index) {
                            index = end
                        } else if byte == 0x27, let end = Self.matchLiteral(Self.contractionBytes, buffer, at: index) {
                            index = end
                        } else {
                            index += 1
                            while index < count, Self.asciiClass(buffer[index]) == .other { index += 1 }
                        }
                    }
                    body(UnsafeBufferPointer(rebasing: buffer[start..<index]), start)
                }
            }
            return true
        }
    }

    enum ASCIIClass { case letter, digit, space, other }

    @inline(__always)
    static func asciiClass(_ byte: UInt8) -> ASCIIClass {
        switch byte {
        case 0x61...0x7A: return .letter
        case 0x30...0x39: return .digit
        case 0x09, 0x0A, 0x0C, 0x0D, 0x20: return .space
        default: return .other
        }
    }

    @inline(__always)
    static func isSimpleASCII(_ byte: UInt8) -> Bool {
        (byte >= 0x20 && byte < 0x7F && byte != 0x26) || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    static let specialTokenBytes: [[UInt8]] = [Array("<|startoftext|>".utf8), Array("<|endoftext|>".utf8)]
    static let contractionBytes: [[UInt8]] = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"].map { Array($0.utf8) }

    @inline(__always)
    static func matchLiteral(_ literals: [[UInt8]], _ buffer: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        for literal in literals where start + literal.count <= buffer.count {
            if buffer[start..<(start + literal.count)].elementsEqual(literal) { return start + literal.count }
        }
        return nil
    }
}
