import Foundation

/// The tokens, their ids and the ranked merges of a byte-level BPE vocabulary.
struct Vocabulary {
    static let wordEnd = "</w>"
    static let startOfText = "<|startoftext|>"
    static let endOfText = "<|endoftext|>"

    /// BPE string per id, e.g. "man</w>".
    let tokens: [String]
    /// Id per BPE string; a string listed twice keeps its last id, as Python's dict does.
    let ids: [String: Int32]
    /// Bytes of each token's text as decode joins them ("</w>" included, as ASCII).
    let tokenBytes: [[UInt8]]
    /// Merges keyed by `left << 32 | right` ids; the value is `rank << 32 | merged id`.
    let merges: [UInt64: UInt64]
    /// The merged pair of each rank, for showing merge steps.
    let mergePairs: [(left: Int32, right: Int32)]
    /// Id of each byte as a word-inner symbol, and as the last symbol of a word (with "</w>").
    let byteIDs: [Int32]
    let byteEndIDs: [Int32]
    let startOfTextID: Int32
    let endOfTextID: Int32

    /// Builds the lookup tables from tokens in id order and merges in rank order.
    /// - Parameter requireMergeCoverage: also check that every token other than the
    ///   512 byte symbols and the two special tokens is the result of a merge.
    init(tokens: [String], merges pairs: [(String, String)], path: String, mergeLines: [Int],
         requireMergeCoverage: Bool) throws {
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() { ids[token] = Int32(index) }

        var byteIDs: [Int32] = []
        var byteEndIDs: [Int32] = []
        for byte in 0...255 {
            let symbol = String(ByteEncoder.characters[byte])
            guard let inner = ids[symbol], let end = ids[symbol + Vocabulary.wordEnd] else {
                throw TokenizerError.invalidVocabulary(path: path, line: nil,
                    reason: "the byte symbol '\(symbol)' (byte \(byte)) or '\(symbol)</w>' is missing")
            }
            byteIDs.append(inner)
            byteEndIDs.append(end)
        }
        guard let start = ids[Vocabulary.startOfText], let end = ids[Vocabulary.endOfText] else {
            throw TokenizerError.invalidVocabulary(path: path, line: nil,
                reason: "the special tokens \(Vocabulary.startOfText) and \(Vocabulary.endOfText) must both be present")
        }

        var merges: [UInt64: UInt64] = [:]
        merges.reserveCapacity(pairs.count)
        var mergePairs: [(left: Int32, right: Int32)] = []
        var merged = Set<Int32>()
        for (rank, pair) in pairs.enumerated() {
            let line = rank < mergeLines.count ? mergeLines[rank] : nil
            guard let left = ids[pair.0], let right = ids[pair.1] else {
                throw TokenizerError.invalidVocabulary(path: path, line: line,
                    reason: "the merge '\(pair.0) \(pair.1)' uses a token that is not in the vocabulary")
            }
            guard let result = ids[pair.0 + pair.1] else {
                throw TokenizerError.invalidVocabulary(path: path, line: line,
                    reason: "the merge '\(pair.0) \(pair.1)' makes '\(pair.0 + pair.1)', which is not in the vocabulary")
            }
            merges[UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))] = UInt64(rank) << 32 | UInt64(UInt32(result))
            mergePairs.append((left, right))
            merged.insert(result)
        }

        if requireMergeCoverage {
            let base = Set(byteIDs + byteEndIDs + [start, end])
            for (index, token) in tokens.enumerated() where !base.contains(Int32(index)) && !merged.contains(Int32(index)) {
                throw TokenizerError.invalidVocabulary(path: path, line: nil,
                    reason: "token '\(token)' (id \(index)) is neither a byte symbol, a special token nor the result of a merge")
            }
        }

        var tokenBytes: [[UInt8]] = []
        tokenBytes.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() {
            guard let bytes = ByteEncoder.decode(token) else {
                throw TokenizerError.invalidVocabulary(path: path, line: nil,
                    reason: "token '\(token)' (id \(index)) has a character outside CLIP's byte map")
            }
            tokenBytes.append(bytes)
        }

        self.tokens = tokens
        self.ids = ids
        self.tokenBytes = tokenBytes
        self.merges = merges
        self.mergePairs = mergePairs
        self.byteIDs = byteIDs
        self.byteEndIDs = byteEndIDs
        self.startOfTextID = start
        self.endOfTextID = end
    }
}

// MARK: - OpenAI's bpe_simple_vocab_16e6.txt.gz

extension Vocabulary {
    /// The number of merges OpenAI's SimpleTokenizer reads: 49152 - 256 - 2,
    /// so that with 512 byte symbols and 2 special tokens the vocabulary has 49408 tokens.
    static let openAIMergeCount = 49152 - 256 - 2

    /// Loads OpenAI's gzip merges file the way SimpleTokenizer does: skip the
    /// version line, take the next 48894 merges, then build the vocabulary as
    /// byte symbols, byte symbols with "</w>", merge results and the two specials.
    static func openAI(gzipPath path: String) throws -> Vocabulary {
        let bytes = try GzipFile.read(path: path)
        guard let text = String(validatingUTF8: bytes.map { CChar(bitPattern: $0) } + [0]) else {
            throw TokenizerError.invalidVocabulary(path: path, line: nil, reason: "the file is not valid UTF-8 text")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > openAIMergeCount else {
            throw TokenizerError.invalidVocabulary(path: path, line: lines.count,
                reason: "expected at least \(openAIMergeCount + 1) lines (a version line and the merges), found \(lines.count)")
        }

        var pairs: [(String, String)] = []
        pairs.reserveCapacity(openAIMergeCount)
        for index in 1...openAIMergeCount {
            let parts = lines[index].split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard parts.count == 2 else {
                throw TokenizerError.invalidVocabulary(path: path, line: index + 1,
                    reason: "a merge line must have two tokens separated by a space, found '\(lines[index])'")
            }
            pairs.append((String(parts[0]), String(parts[1])))
        }

        var tokens: [String] = ByteEncoder.pairs.map { String(Character(Unicode.Scalar($0.1) ?? " ")) }
        tokens += tokens.map { $0 + wordEnd }
        for pair in pairs { tokens.append(pair.0 + pair.1) }
        tokens.append(startOfText)
        tokens.append(endOfText)

        return try Vocabulary(tokens: tokens, merges: pairs, path: path, mergeLines: Array(2...(openAIMergeCount + 1)),
                              requireMergeCoverage: false)
    }
}

// MARK: - Hugging Face vocab.json and merges.txt

extension Vocabulary {
    /// Loads the Hugging Face form and checks that ids run from 0 without gaps
    /// and that every merge and every token agree with each other.
    static func huggingFace(vocabJSON: URL, merges mergesURL: URL) throws -> Vocabulary {
        guard let vocabData = FileManager.default.contents(atPath: vocabJSON.path) else {
            throw TokenizerError.unreadableFile(path: vocabJSON.path, reason: "the file is missing or not readable")
        }
        let name = vocabJSON.lastPathComponent
        guard vocabData.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            throw TokenizerError.invalidVocabulary(path: vocabJSON.path, line: nil,
                reason: "\(name) is empty; copy it again from the model's repository")
        }
        // Foundation's parse error ("The data is not in the correct format") names no position, so it is left out.
        guard let object = (try? JSONSerialization.jsonObject(with: vocabData)) as? [String: Any] else {
            throw TokenizerError.invalidVocabulary(path: vocabJSON.path, line: nil,
                reason: "\(name) is not a JSON object of token to id; copy it again from the model's repository")
        }
        var tokens = [String?](repeating: nil, count: object.count)
        for (token, value) in object {
            guard let number = value as? NSNumber, let id = Int(exactly: number.doubleValue), id >= 0, id < object.count else {
                throw TokenizerError.invalidVocabulary(path: vocabJSON.path, line: nil,
                    reason: "token '\(token)' has id \(value), expected a whole number from 0 to \(object.count - 1)")
            }
            if let existing = tokens[id] {
                throw TokenizerError.invalidVocabulary(path: vocabJSON.path, line: nil,
                    reason: "id \(id) is given to both '\(existing)' and '\(token)'")
            }
            tokens[id] = token
        }
        let ordered = tokens.compactMap { $0 }

        guard let mergesData = FileManager.default.contents(atPath: mergesURL.path),
              let mergesText = String(data: mergesData, encoding: .utf8) else {
            throw TokenizerError.unreadableFile(path: mergesURL.path, reason: "the file is missing, not readable or not UTF-8")
        }
        var pairs: [(String, String)] = []
        var lineNumbers: [Int] = []
        for (index, line) in mergesText.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.isEmpty || (index == 0 && trimmed.hasPrefix("#version")) { continue }
            let parts = trimmed.split(separator: " ")
            guard parts.count == 2 else {
                throw TokenizerError.invalidVocabulary(path: mergesURL.path, line: index + 1,
                    reason: "a merge line must have two tokens separated by a space, found '\(trimmed)'")
            }
            pairs.append((String(parts[0]), String(parts[1])))
            lineNumbers.append(index + 1)
        }

        return try Vocabulary(tokens: ordered, merges: pairs, path: mergesURL.path, mergeLines: lineNumbers,
                              requireMergeCoverage: true)
    }
}
