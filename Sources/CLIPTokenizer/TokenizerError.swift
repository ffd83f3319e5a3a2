import Foundation

/// Errors of the tokenizer layer. Each case carries the value that was wrong.
public enum TokenizerError: Error, Equatable, LocalizedError {
    /// The vocabulary file is not where it was looked for.
    case vocabularyNotFound(searched: [String])
    /// A vocabulary or merges file exists but cannot be read or decompressed.
    case unreadableFile(path: String, reason: String)
    /// A vocabulary or merges file is readable but its content is wrong.
    case invalidVocabulary(path: String, line: Int?, reason: String)
    /// The text has more tokens (start and end included) than the context length.
    case tooLong(tokenCount: Int, contextLength: Int)
    /// The context length cannot hold the start and end tokens.
    case invalidContextLength(Int)

    public var errorDescription: String? {
        switch self {
        case .vocabularyNotFound(let searched):
            return "vocabulary file bpe_simple_vocab_16e6.txt.gz not found; looked in: "
                + searched.joined(separator: ", ")
                + ". Set CLIP_EXPLORER_VOCAB to its path or keep the .resources folder next to the binary"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .invalidVocabulary(let path, let line, let reason):
            let place = line.map { "\(path), line \($0)" } ?? path
            return "invalid vocabulary \(place): \(reason)"
        case .tooLong(let tokenCount, let contextLength):
            return "text has \(tokenCount) tokens including start and end, more than the context length \(contextLength); shorten it, raise --context-length or allow truncation"
        case .invalidContextLength(let length):
            return "invalid context length \(length): it must be at least 2, to hold the start and end tokens"
        }
    }
}
