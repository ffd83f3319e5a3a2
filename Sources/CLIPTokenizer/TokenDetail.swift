/// One token of a text, for the explorer.
public struct TokenDetail: Sendable, Equatable {
    public let id: Int32
    /// The BPE string, e.g. "man</w>".
    public let piece: String
    /// The raw bytes the token stands for, without the "</w>" mark.
    public let bytes: [UInt8]
    /// True when the token ends a pre-token (its BPE string ends in "</w>").
    public let endsWord: Bool
    /// Unicode-scalar offsets of the original input this token came from, or nil
    /// when cleanup left nothing to trace it to.
    public let span: Range<Int>?
}

/// One step of BPE on a word: the pair merged at every place it occurs.
public struct MergeStep: Sendable, Equatable {
    public let left: String
    public let right: String
    /// The merge's rank: its position in the merges list, lower merges first.
    public let rank: Int
    /// The word's pieces after this step.
    public let pieces: [String]
}

extension CLIPTokenizer {
    /// Per-token detail for the explorer: id, BPE string, raw bytes, word end,
    /// and the span of the original input it came from. The ids are those of
    /// `encode`, without start and end tokens.
    public func analyze(_ text: String) -> [TokenDetail] {
        analyzeSimpleASCII(text) ?? analyzeTracked(text)
    }

    /// `analyze` through the full cleanup, tracking every scalar's source span.
    func analyzeTracked(_ text: String) -> [TokenDetail] {
        let cleaned = TextCleaner.clean(TrackedText(original: text.unicodeScalars, tracking: true))
        var details: [TokenDetail] = []
        for range in PreTokenizer.split(cleaned.scalars) {
            // byteOwner[i] is the cleaned-text index of the scalar that byte i encodes.
            var bytes: [UInt8] = []
            var byteOwner: [Int] = []
            for index in range {
                appendUTF8(cleaned.scalars[index], to: &bytes)
                while byteOwner.count < bytes.count { byteOwner.append(index) }
            }

            var offset = 0
            for id in encoder.encodeWord(bytes) {
                let piece = token(for: id) ?? ""
                let pieceBytes = self.bytes(for: id) ?? []
                let end = min(offset + max(pieceBytes.count, 1), bytes.count)
                let span = offset < end ? cleaned.span(byteOwner[offset]..<(byteOwner[end - 1] + 1)) : nil
                details.append(TokenDetail(id: id, piece: piece, bytes: pieceBytes,
                                           endsWord: piece.hasSuffix(Vocabulary.wordEnd), span: span))
                offset = end
            }
        }
        return details
    }

    /// Returns the merges that built one word, in the order BPE applied them.
    ///
    /// `word` is one pre-token as the pre-tokenizer produces it after cleanup (for
    /// example "bozuman"); it is not cleaned or split again. A special token
    /// or an empty word has no steps.
    public func mergeSteps(forWord word: String) -> [MergeStep] {
        let bytes = Array(word.utf8)
        guard !bytes.isEmpty, !encoder.isSpecialWord(bytes) else { return [] }

        var symbols = encoder.initialSymbols(bytes)
        var steps: [MergeStep] = []
        while symbols.count > 1, let pair = encoder.lowestRankedPair(symbols) {
            symbols = encoder.apply(pair.left, pair.right, pair.merged, to: symbols)
            steps.append(MergeStep(left: token(for: pair.left) ?? "", right: token(for: pair.right) ?? "",
                                   rank: Int(pair.rank), pieces: symbols.map { token(for: $0) ?? "" }))
        }
        return steps
    }
}
