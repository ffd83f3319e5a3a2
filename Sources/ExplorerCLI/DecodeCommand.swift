import CLIPTokenizer

extension Program {
    static var decodeCommand: Command {
        Command(
            name: "decode",
            summary: "turn CLIP token ids back into text",
            usage: ["decode [--skip-special] ID..."],
            options: [
                .flag("--skip-special", help: "leave out <|startoftext|>, and <|endoftext|> with the padding after it"),
            ],
            details: """
                Ids may be separate arguments or comma-separated. Decoding follows OpenAI's
                SimpleTokenizer.decode: each "</w>" becomes a space, and bytes that are not valid
                UTF-8 become U+FFFD. Cleanup lower-cased the text, so decoding gives it lower-cased.

                example:
                  clip-explorer decode 49406 647 4091 786 49407
                """,
            run: { arguments, output in
                let tokenizer = try CLIPTokenizer.bundled()
                var ids = try parseIDs(arguments.positionals, vocabularySize: tokenizer.vocabularySize)
                guard !ids.isEmpty else { throw UsageError("missing ID to decode") }
                if arguments.has("--skip-special") {
                    // Padded ids, as tokenize prints them, end with <|endoftext|> and then the pad id.
                    if let end = ids.firstIndex(of: tokenizer.endOfTextID) { ids.removeSubrange(end...) }
                    ids.removeAll { $0 == tokenizer.startOfTextID }
                }
                output.out(tokenizer.decode(ids) + "\n")
                return 0
            }
        )
    }

    /// Parses ids given as arguments, each possibly a comma-separated list; brackets are ignored
    /// so that a pasted list such as `[49406, 320]` works.
    static func parseIDs(_ arguments: [String], vocabularySize: Int) throws -> [Int32] {
        var ids: [Int32] = []
        for argument in arguments {
            let cleaned = argument.replacingOccurrences(of: "[", with: " ").replacingOccurrences(of: "]", with: " ")
            for item in cleaned.split(whereSeparator: { $0 == "," || $0 == " " }) {
                guard let id = Int(item), id >= 0, id < vocabularySize else {
                    throw UsageError("invalid id '\(item)': expected a whole number from 0 to \(vocabularySize - 1)")
                }
                ids.append(Int32(id))
            }
        }
        return ids
    }
}
