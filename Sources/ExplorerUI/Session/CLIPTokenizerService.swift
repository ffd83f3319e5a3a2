import CLIPTokenizer

/// The explorer's view of a CLIPTokenizer.
public final class CLIPTokenizerService: TokenizerService, @unchecked Sendable {
    public let tokenizer: CLIPTokenizer

    public init(_ tokenizer: CLIPTokenizer) {
        self.tokenizer = tokenizer
    }

    public var vocabularySize: Int { tokenizer.vocabularySize }

    public func tokenize(_ text: String, contextLength: Int, padID: Int32) -> Tokenization {
        let details = tokenizer.analyze(text)
        let characterIndex = Self.characterIndexByScalar(text)
        let pieces = details.map { detail -> TokenPiece in
            var source: Range<Int>?
            if let span = detail.span, span.lowerBound < characterIndex.count, span.upperBound > span.lowerBound {
                let lower = characterIndex[span.lowerBound]
                let upper = characterIndex[min(span.upperBound, characterIndex.count) - 1] + 1
                source = lower..<upper
            }
            return TokenPiece(id: detail.id, bpe: detail.piece, bytes: detail.bytes, endsWord: detail.endsWord, source: source)
        }
        // `pad` applies clip.tokenize's truncation: the first tokens, then the end token.
        let slots = (try? tokenizer.pad(pieces.map(\.id), contextLength: max(2, contextLength), truncate: true, padID: padID))
            ?? Array(repeating: padID, count: max(2, contextLength))
        return Tokenization(text: text, pieces: pieces, slots: slots, padID: padID,
                            startID: tokenizer.startOfTextID, endID: tokenizer.endOfTextID)
    }

    /// Maps each Unicode scalar offset of `text` to the index of the
    /// character (grapheme cluster) that contains it.
    static func characterIndexByScalar(_ text: String) -> [Int] {
        var map: [Int] = []
        map.reserveCapacity(text.unicodeScalars.count)
        for (index, character) in text.enumerated() {
            for _ in character.unicodeScalars { map.append(index) }
        }
        return map
    }

    public func inspect(piece index: Int, of tokenization: Tokenization) -> InspectorDetail? {
        let pieces = tokenization.pieces
        guard index >= 0, index < pieces.count else { return nil }

        // The word runs from after the previous word end through the next one.
        var start = index
        while start > 0, !pieces[start - 1].endsWord { start -= 1 }
        var end = index
        while end < pieces.count - 1, !pieces[end].endsWord { end += 1 }
        let wordBytes = pieces[start...end].flatMap(\.bytes)
        guard let word = String(validating: wordBytes, as: UTF8.self) else { return nil }

        let steps = tokenizer.mergeSteps(forWord: word)
        var initial = wordBytes.map { String(byteLevelCharacter($0)) }
        if pieces[end].endsWord, let last = initial.popLast() { initial.append(last + "</w>") }
        let rows = steps.map { MergeStepRow(rank: $0.rank, left: $0.left, right: $0.right, pieces: $0.pieces) }
        return InspectorDetail(initialPieces: initial, merges: rows)
    }

    public func search(_ text: String, limit: Int) -> [VocabRow] {
        tokenizer.search(text, limit: limit).map { VocabRow(id: $0.id, token: $0.token) }
    }

    public func token(for id: Int32) -> String? {
        tokenizer.token(for: id)
    }
}

/// Returns the character byte-level BPE uses for `byte` (GPT-2's table):
/// printable Latin-1 bytes stand for themselves, and the other 68 bytes map
/// in order to U+0100 onwards, so every byte has a visible symbol.
func byteLevelCharacter(_ byte: UInt8) -> Character {
    func isPrintable(_ value: UInt8) -> Bool {
        (0x21...0x7E).contains(value) || (0xA1...0xAC).contains(value) || (0xAE...0xFF).contains(value)
    }
    if isPrintable(byte) { return Character(Unicode.Scalar(byte)) }
    var shifted: UInt32 = 256
    for value in 0..<Int(byte) where !isPrintable(UInt8(value)) { shifted += 1 }
    return Character(Unicode.Scalar(shifted) ?? "?")
}
