import CLIPTokenizer

extension Program {
    /// Runs the line-mode REPL: tokenizes each line of standard input and prints it
    /// in the human format, one block per line, as soon as the line arrives.
    /// Invalid UTF-8 is replaced with U+FFFD and reported on standard error.
    static func runLineMode(output: inout CommandOutput) -> Int32 {
        let tokenizer: CLIPTokenizer
        do {
            tokenizer = try CLIPTokenizer.bundled()
        } catch {
            output.err("\(name): \(describe(error))\n")
            return 1
        }
        var reader = LineReader(descriptor: 0)
        var lineNumber = 0
        while let line = reader.nextLine() {
            lineNumber += 1
            let (text, replaced) = decodeLine(line)
            if replaced {
                output.err("warning: standard input line \(lineNumber) is not valid UTF-8; invalid bytes were replaced with U+FFFD\n")
            }
            guard let result = try? TokenizerFormatting.tokenize(text, with: tokenizer, contextLength: 77, truncate: true, padID: 0) else {
                continue  // Only tooLong can be thrown, and truncation is on.
            }
            output.out(TokenizerFormatting.human(result, tokenizer: tokenizer))
        }
        if let error = reader.readError {
            output.err("\(name): \(readFailureMessage(error))\n")
            return 1
        }
        return 0
    }
}
