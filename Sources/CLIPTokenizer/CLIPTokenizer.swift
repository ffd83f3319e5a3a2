import Foundation

/// OpenAI's CLIP tokenizer: ftfy-style cleanup, CLIP's pre-tokenizer and
/// byte-level BPE, giving the same ids as `clip.tokenize` (openai-clip 1.0.1).
///
/// Instances are immutable apart from an internal, locked word cache, so one
/// tokenizer can be shared across threads.
public final class CLIPTokenizer: @unchecked Sendable {
    let vocabulary: Vocabulary
    let encoder: BytePairEncoder

    /// Id of `<|startoftext|>`, 49406 in OpenAI's vocab.
    public let startOfTextID: Int32
    /// Id of `<|endoftext|>`, 49407 in OpenAI's vocab.
    public let endOfTextID: Int32
    /// The number of tokens, 49408 in OpenAI's vocab.
    public var vocabularySize: Int { vocabulary.tokens.count }

    init(vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
        self.encoder = BytePairEncoder(vocabulary: vocabulary)
        self.startOfTextID = vocabulary.startOfTextID
        self.endOfTextID = vocabulary.endOfTextID
    }

    /// OpenAI's vocab from the bundled bpe_simple_vocab_16e6.txt.gz, loaded once per process.
    public static func bundled() throws -> CLIPTokenizer {
        try bundledResult.get()
    }

    private static let bundledResult: Result<CLIPTokenizer, Error> = Result {
        try CLIPTokenizer(openAIVocabPath: VocabularyLocator.bundledVocabularyPath())
    }

    /// OpenAI's vocab from a bpe_simple_vocab_16e6.txt.gz file at `path`.
    public convenience init(openAIVocabPath path: String) throws {
        self.init(vocabulary: try Vocabulary.openAI(gzipPath: path))
    }

    /// Loads the Hugging Face form from a model folder and verifies the vocab against its merges.
    public convenience init(vocabJSON: URL, merges: URL) throws {
        self.init(vocabulary: try Vocabulary.huggingFace(vocabJSON: vocabJSON, merges: merges))
    }

    /// Returns a tokenizer over the same vocabulary with an empty word cache, for
    /// measuring cold-cache speed. The vocabulary is shared, not copied.
    public func withEmptyCache() -> CLIPTokenizer {
        CLIPTokenizer(vocabulary: vocabulary)
    }

    // MARK: - Encoding

    /// BPE ids of the cleaned text, without start and end tokens.
    public func encode(_ text: String) -> [Int32] {
        if let ids = encodeSimpleASCII(text) { return ids }
        let cleaned = TextCleaner.clean(TrackedText(original: text.unicodeScalars, tracking: false))
        var ids: [Int32] = []
        for range in PreTokenizer.split(cleaned.scalars) {
            encodePiece(cleaned.scalars[range], into: &ids)
        }
        return ids
    }

    /// Start, ids, end, then `padID` up to `contextLength`, as clip.tokenize.
    /// With truncate, keeps the first tokens and puts the end token in the last slot;
    /// without it, throws TokenizerError.tooLong(tokenCount:contextLength:).
    public func tokenize(_ text: String, contextLength: Int = 77, truncate: Bool = true, padID: Int32 = 0) throws -> [Int32] {
        try pad(encode(text), contextLength: contextLength, truncate: truncate, padID: padID)
    }

    /// Wraps BPE ids in start and end tokens and pads or truncates them to `contextLength`.
    public func pad(_ ids: [Int32], contextLength: Int = 77, truncate: Bool = true, padID: Int32 = 0) throws -> [Int32] {
        guard contextLength >= 2 else { throw TokenizerError.invalidContextLength(contextLength) }
        var tokens = [startOfTextID]
        tokens.reserveCapacity(max(contextLength, ids.count + 2))
        tokens += ids
        tokens.append(endOfTextID)
        if tokens.count > contextLength {
            guard truncate else { throw TokenizerError.tooLong(tokenCount: tokens.count, contextLength: contextLength) }
            tokens.removeLast(tokens.count - contextLength)
            tokens[contextLength - 1] = endOfTextID
        }
        tokens += repeatElement(padID, count: contextLength - tokens.count)
        return tokens
    }

    /// UTF-8 encodes the scalars of one pre-token and appends its BPE ids.
    func encodePiece(_ scalars: ArraySlice<UInt32>, into ids: inout [Int32]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count * 3)
        for value in scalars { appendUTF8(value, to: &bytes) }
        bytes.withUnsafeBufferPointer { encoder.encodeWord($0, into: &ids) }
    }

    // MARK: - Lookup

    /// BPE string of an id, e.g. "man</w>", or nil outside the vocabulary.
    public func token(for id: Int32) -> String? {
        guard id >= 0, Int(id) < vocabulary.tokens.count else { return nil }
        return vocabulary.tokens[Int(id)]
    }

    /// Id of a BPE string such as "man</w>", or nil when it is not in the vocabulary.
    public func id(for token: String) -> Int32? {
        vocabulary.ids[token]
    }

    /// Decodes ids to text as OpenAI's `SimpleTokenizer.decode`: token bytes joined,
    /// invalid UTF-8 replaced with U+FFFD, every "</w>" turned into a space.
    /// Ids outside the vocabulary are skipped; `unknownIDs` lists them.
    public func decode(_ ids: [Int32]) -> String {
        decodeReportingUnknown(ids).text
    }

    /// `decode`, also returning the ids it skipped because they are outside the vocabulary.
    public func decodeReportingUnknown(_ ids: [Int32]) -> (text: String, unknownIDs: [Int32]) {
        var bytes: [UInt8] = []
        var unknown: [Int32] = []
        for id in ids {
            guard id >= 0, Int(id) < vocabulary.tokenBytes.count else {
                unknown.append(id)
                continue
            }
            bytes += vocabulary.tokenBytes[Int(id)]
        }
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: Vocabulary.wordEnd, with: " ")
        return (text, unknown)
    }

    /// Raw bytes of a token's text, without the "</w>" word-end mark.
    public func bytes(for id: Int32) -> [UInt8]? {
        guard id >= 0, Int(id) < vocabulary.tokenBytes.count else { return nil }
        let bytes = vocabulary.tokenBytes[Int(id)]
        if vocabulary.tokens[Int(id)].hasSuffix(Vocabulary.wordEnd) { return Array(bytes.dropLast(4)) }
        return bytes
    }

    /// Tokens whose decoded text contains `text` (case-sensitive), in id order, at most `limit`.
    /// - Complexity: O(vocabulary size).
    public func search(_ text: String, limit: Int = 100) -> [(id: Int32, token: String)] {
        let needle = Array(text.utf8)
        var matches: [(id: Int32, token: String)] = []
        guard !needle.isEmpty, limit > 0 else { return matches }
        for (index, token) in vocabulary.tokens.enumerated() {
            let haystack = vocabulary.tokenBytes[index]
            if contains(haystack, needle) || token.contains(text) {
                matches.append((Int32(index), token))
                if matches.count == limit { break }
            }
        }
        return matches
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
