import CLIPTokenizer

extension Program {
    static var vocabCommand: Command {
        Command(
            name: "vocab",
            summary: "look up CLIP vocabulary entries by id, or search them by text",
            usage: ["vocab ID...", "vocab --search TEXT [--limit N]"],
            options: [
                .value("--search", "TEXT", help: "list tokens whose text or BPE string contains TEXT (case-sensitive)"),
                .value("--limit", "N", help: "list at most N search results (default 50)"),
            ],
            details: """
                Each line shows the id, the BPE string ("</w>" marks the end of a word) and the
                token's text as a JSON string. The vocabulary is OpenAI's bpe_simple_vocab_16e6
                (49408 tokens; 49406 is <|startoftext|>, 49407 is <|endoftext|>).

                examples:
                  clip-explorer vocab 320 786
                  clip-explorer vocab --search cat
                """,
            run: { arguments, output in
                let tokenizer = try CLIPTokenizer.bundled()
                if let query = arguments.value("--search") {
                    guard arguments.positionals.isEmpty else { throw UsageError("give either IDs or --search, not both") }
                    guard !query.isEmpty else { throw UsageError("--search needs a non-empty TEXT") }
                    let limit = try arguments.int("--limit", default: 50, in: 1...Int(Int32.max))
                    let matches = tokenizer.search(query, limit: limit)
                    for match in matches { output.out(vocabLine(match.id, tokenizer: tokenizer)) }
                    output.err("\(matches.count) match\(matches.count == 1 ? "" : "es") for \(TokenizerFormatting.jsonString(query))\(matches.count == limit ? " (limit reached; raise --limit for more)" : "")\n")
                    return 0
                }
                guard arguments.value("--limit") == nil else { throw UsageError("--limit applies to --search only") }
                let ids = try parseIDs(arguments.positionals, vocabularySize: tokenizer.vocabularySize)
                guard !ids.isEmpty else { throw UsageError("missing ID or --search TEXT") }
                for id in ids { output.out(vocabLine(id, tokenizer: tokenizer)) }
                return 0
            }
        )
    }

    static func vocabLine(_ id: Int32, tokenizer: CLIPTokenizer) -> String {
        let token = tokenizer.token(for: id) ?? "?"
        let bytes = tokenizer.bytes(for: id) ?? []
        let text = String(decoding: bytes, as: UTF8.self)
        let idText = String(id)
        let padding = String(repeating: " ", count: max(0, 5 - idText.count))
        return "\(padding)\(idText)  \(token)  \(TokenizerFormatting.jsonString(text))\n"
    }
}
