/// One BPE token as the explorer shows it.
public struct TokenPiece: Equatable, Sendable {
    public var id: Int32
    /// The BPE string, such as `man</w>`.
    public var bpe: String
    /// The UTF-8 bytes the token stands for, without the `</w>` marker.
    public var bytes: [UInt8]
    public var endsWord: Bool
    /// The characters of the prompt the token came from, counted in grapheme
    /// clusters, or nil when the cleanup step produced it without a source.
    public var source: Range<Int>?

    public init(id: Int32, bpe: String, bytes: [UInt8], endsWord: Bool, source: Range<Int>?) {
        self.id = id
        self.bpe = bpe
        self.bytes = bytes
        self.endsWord = endsWord
        self.source = source
    }
}

/// A prompt's tokenization: its tokens and the padded context-length slots.
public struct Tokenization: Equatable, Sendable {
    public var text: String
    /// The BPE tokens of the whole prompt, without start and end, including
    /// those that truncation cuts.
    public var pieces: [TokenPiece]
    /// The context-length ids as `clip.tokenize(text, truncate=True)` returns them.
    public var slots: [Int32]
    public var padID: Int32
    public var startID: Int32
    public var endID: Int32

    public init(text: String, pieces: [TokenPiece], slots: [Int32], padID: Int32, startID: Int32 = 49406, endID: Int32 = 49407) {
        self.text = text
        self.pieces = pieces
        self.slots = slots
        self.padID = padID
        self.startID = startID
        self.endID = endID
    }

    public var contextLength: Int { slots.count }

    /// Tokens counted against the context length: start, every piece, end.
    public var tokenCount: Int { pieces.count + 2 }

    /// How many pieces fit between start and end.
    public var keptCount: Int { min(pieces.count, max(0, contextLength - 2)) }

    public var cutCount: Int { pieces.count - keptCount }

    public var isTruncated: Bool { cutCount > 0 }

    /// The first prompt character whose token truncation cuts, or nil.
    public var truncationStart: Int? {
        guard isTruncated else { return nil }
        return pieces[keptCount...].lazy.compactMap { $0.source?.lowerBound }.first
    }
}
