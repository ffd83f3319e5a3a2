/// CLIP's pre-tokenizer, a hand-written scanner for OpenAI's pattern
///
///     <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
///
/// compiled with the `regex` module and IGNORECASE. Like `regex.findall`, it
/// tries the alternatives in order at each position and skips characters no
/// alternative matches (whitespace). Letters match case-insensitively, so
/// "'ſ" (long s) is a contraction, as in Python.
enum PreTokenizer {
    /// For each ASCII letter of the literal alternatives, the code points IGNORECASE accepts for it.
    static let letterVariants: [UInt32: [UInt32]] = {
        var table: [UInt32: [UInt32]] = [:]
        for item in caseInsensitiveLetters.split(separator: ";") {
            let parts = item.split(separator: ":")
            guard parts.count == 2, let letter = parts[0].unicodeScalars.first else { continue }
            table[letter.value] = parts[1].split(separator: ",").compactMap { UInt32($0, radix: 16) }
        }
        return table
    }()

    static let specialTokens: [[UInt32]] = ["<|startoftext|>", "<|endoftext|>"].map { $0.unicodeScalars.map(\.value) }
    static let contractions: [[UInt32]] = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"].map { $0.unicodeScalars.map(\.value) }

    /// Returns the pre-token ranges of `scalars`, in order.
    static func split(_ scalars: [UInt32]) -> [Range<Int>] {
        let classes = CharacterClasses.shared
        var tokens: [Range<Int>] = []
        var index = 0
        let count = scalars.count
        while index < count {
            let scalar = scalars[index]
            let flags = classes.flags(of: scalar)

            if scalar == 0x3C, let end = matchAny(specialTokens, in: scalars, at: index) {  // '<'
                tokens.append(index..<end)
                index = end
            } else if scalar == 0x27, let end = matchAny(contractions, in: scalars, at: index) {  // '\''
                tokens.append(index..<end)
                index = end
            } else if flags & CharacterClasses.letter != 0 {
                let start = index
                index += 1
                while index < count, classes.has(CharacterClasses.letter, scalars[index]) { index += 1 }
                tokens.append(start..<index)
            } else if flags & CharacterClasses.number != 0 {
                tokens.append(index..<(index + 1))
                index += 1
            } else if flags & CharacterClasses.other != 0 {
                let start = index
                index += 1
                while index < count, classes.has(CharacterClasses.other, scalars[index]) { index += 1 }
                tokens.append(start..<index)
            } else {
                index += 1
            }
        }
        return tokens
    }

    /// Returns the end of the first literal in `literals` that matches at `start` (case-insensitively), or nil.
    static func matchAny(_ literals: [[UInt32]], in scalars: [UInt32], at start: Int) -> Int? {
        for literal in literals where start + literal.count <= scalars.count {
            var matches = true
            for (offset, expected) in literal.enumerated() {
                let actual = scalars[start + offset]
                if actual == expected { continue }
                if let variants = letterVariants[expected], variants.contains(actual) { continue }
                matches = false
                break
            }
            if matches { return start + literal.count }
        }
        return nil
    }
}
