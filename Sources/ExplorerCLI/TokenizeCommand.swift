import CLIPTokenizer
import Foundation

extension Program {
    static var tokenizeCommand: Command {
        Command(
            name: "tokenize",
            summary: "split text into CLIP tokens, as OpenAI's clip.tokenize does",
            usage: ["tokenize [OPTIONS] TEXT...", "tokenize --jsonl [OPTIONS] < strings.jsonl"],
            options: [
                .flag("--json", help: "print one JSON object per text"),
                .flag("--jsonl", help: "read JSON strings from standard input, one per line; print one JSON object per line"),
                .value("--format", "FORMAT", help: "human (default), json, or tensor: the padded ids as PyTorch prints them"),
                .value("--context-length", "N", help: "tokens per text, start and end included (default 77)"),
                .flag("--no-truncate", help: "fail when a text has more tokens than the context length"),
                .value("--pad-id", "ID", help: "id that fills the rest of the context (default 0, as OpenAI; Hugging Face uses 49407)"),
                .value("--time", "N", help: "tokenize each text N times and print the median and p99 time to standard error; with --jsonl, time N passes over all lines"),
            ],
            details: """
                The ids are those of OpenAI's clip.tokenize: <|startoftext|> (49406), the BPE ids of
                the cleaned, lower-cased text, <|endoftext|> (49407), then the pad id. The pad id 0
                is also the id of "!"; every output states which pad id it used.

                JSON fields: text, ids (without start and end), pieces, input_ids (padded to the
                context length), length (start and end included, before padding), truncated, pad_id.

                Exit status: 0 on success, 1 when a text is too long with --no-truncate or a
                --jsonl line is not a JSON string, 2 for bad arguments.

                examples:
                  clip-explorer tokenize "a painting of a cat"
                  clip-explorer tokenize --format tensor "a dog" "a cat"
                  printf '"line one\\\\nline two"\\n' | clip-explorer tokenize --jsonl
                """,
            run: { arguments, output in try runTokenize(arguments, &output) }
        )
    }

    enum TokenizeFormat: String { case human, json, tensor }

    static func runTokenize(_ arguments: ParsedArguments, _ output: inout CommandOutput) throws -> Int32 {
        var format = TokenizeFormat.human
        if let name = arguments.value("--format") {
            guard let parsed = TokenizeFormat(rawValue: name) else {
                throw UsageError("invalid value '\(name)' for --format: expected human, json or tensor")
            }
            format = parsed
        }
        if arguments.has("--json") || arguments.has("--jsonl") {
            if arguments.value("--format") != nil && format != .json {
                throw UsageError("--json and --jsonl print JSON; they cannot be combined with --format \(format.rawValue)")
            }
            format = .json
        }
        let contextLength = try arguments.int("--context-length", default: 77, in: 2...1_000_000)
        // The pad id must be a token of the bundled vocab (49408 tokens, ids 0 to 49407).
        let padID = Int32(try arguments.int("--pad-id", default: 0, in: 0...49407))
        let repeats = try arguments.int("--time", default: 0, in: 0...10_000_000)
        let truncate = !arguments.has("--no-truncate")

        if arguments.has("--jsonl") {
            guard arguments.positionals.isEmpty else {
                throw UsageError("--jsonl reads standard input; remove the TEXT arguments")
            }
            return try runJSONLines(contextLength: contextLength, truncate: truncate, padID: padID, repeats: repeats,
                                    output: &output)
        }
        guard !arguments.positionals.isEmpty else { throw UsageError("missing TEXT to tokenize") }

        let tokenizer = try CLIPTokenizer.bundled()
        var results: [TokenizerFormatting.Result] = []
        for (index, text) in arguments.positionals.enumerated() {
            do {
                results.append(try TokenizerFormatting.tokenize(text, with: tokenizer, contextLength: contextLength,
                                                                truncate: truncate, padID: padID))
            } catch TokenizerError.tooLong(let count, let limit) {
                output.err("\(name) tokenize: text \(index + 1) has \(count) tokens including start and end, more than the context length \(limit). Shorten it, raise --context-length, or drop --no-truncate to cut it.\n")
                return 1
            }
        }

        switch format {
        case .human:
            for result in results { output.out(TokenizerFormatting.human(result, tokenizer: tokenizer)) }
        case .json:
            for result in results { output.out(TokenizerFormatting.json(result, tokenizer: tokenizer)) }
        case .tensor:
            output.out(TokenizerFormatting.tensor(results.map(\.inputIDs)))
            output.err("pad id \(padID), context length \(contextLength)\n")
        }
        if repeats > 0 {
            for (index, text) in arguments.positionals.enumerated() {
                output.err(timing(of: text, repeats: repeats, tokenizer: tokenizer, contextLength: contextLength, label: "text \(index + 1)"))
            }
        }
        return 0
    }

    /// Reads JSON strings from standard input and writes one JSON object per line.
    /// A bad line gets an error object and makes the exit status 1; the other lines still go through.
    static func runJSONLines(contextLength: Int, truncate: Bool, padID: Int32, repeats: Int,
                             output: inout CommandOutput) throws -> Int32 {
        let tokenizer = try CLIPTokenizer.bundled()
        var reader = LineReader(descriptor: 0)
        var lineNumber = 0
        var status: Int32 = 0
        var pending = ""
        var texts: [String] = []
        while let line = reader.nextLine() {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if String(validating: line, as: UTF8.self) == nil {
                output.err("warning: standard input line \(lineNumber) is not valid UTF-8; invalid bytes were replaced with U+FFFD\n")
            }
            do {
                let text = try JSONStringParser.parse(line)
                if repeats > 0 { texts.append(text) }
                let result = try TokenizerFormatting.tokenize(text, with: tokenizer, contextLength: contextLength,
                                                              truncate: truncate, padID: padID)
                pending += TokenizerFormatting.json(result, tokenizer: tokenizer)
            } catch let error as JSONStringParser.ParseError {
                status = 1
                output.err("\(name) tokenize: standard input line \(lineNumber): invalid JSON string: \(error.message)\n")
                pending += "{\"line\": \(lineNumber), \"error\": \(TokenizerFormatting.jsonString("invalid JSON string: " + error.message))}\n"
            } catch TokenizerError.tooLong(let count, let limit) {
                status = 1
                let message = "text has \(count) tokens including start and end, more than the context length \(limit)"
                output.err("\(name) tokenize: standard input line \(lineNumber): \(message)\n")
                pending += "{\"line\": \(lineNumber), \"error\": \(TokenizerFormatting.jsonString(message))}\n"
            }
            if pending.utf8.count > 1 << 16 {
                output.out(pending)
                pending = ""
            }
        }
        output.out(pending)
        if let error = reader.readError {
            output.err("\(name) tokenize: \(readFailureMessage(error))\n")
            status = 1
        }
        if repeats > 0 {
            output.err(throughput(of: texts, passes: repeats, tokenizer: tokenizer, contextLength: contextLength, padID: padID))
        }
        return status
    }

    /// Times whole passes of tokenize over `texts` on one thread: the first with an empty
    /// word cache, the others warm.
    static func throughput(of texts: [String], passes: Int, tokenizer: CLIPTokenizer, contextLength: Int, padID: Int32) -> String {
        let fresh = tokenizer.withEmptyCache()
        var rates: [Double] = []
        var checksum = 0
        for _ in 0..<passes {
            let start = DispatchTime.now().uptimeNanoseconds
            for text in texts {
                checksum &+= (try? fresh.tokenize(text, contextLength: contextLength, padID: padID))?.count ?? 0
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rates.append(Double(texts.count) / max(seconds, 1e-9))
        }
        let warm = rates.dropFirst().sorted()
        let warmText = warm.isEmpty ? "no warm passes" : String(format: "warm median %.0f texts/s over %d passes", warm[warm.count / 2], warm.count)
        return String(format: "throughput: %d texts (%d ids), cold pass %.0f texts/s, ", texts.count, checksum / passes, rates[0]) + warmText + "\n"
    }

    /// Times re-tokenizing `text`, as the explorer does after each keystroke, and
    /// `analyze`, which the explorer uses for spans and pieces.
    static func timing(of text: String, repeats: Int, tokenizer: CLIPTokenizer, contextLength: Int, label: String) -> String {
        let tokenize = percentiles(repeats: repeats) { _ = try? tokenizer.tokenize(text, contextLength: contextLength) }
        let analyze = percentiles(repeats: repeats) { _ = tokenizer.analyze(text) }
        return "\(label): \(repeats) runs, median \(String(format: "%.2f", tokenize.median)) µs, p99 \(String(format: "%.2f", tokenize.p99)) µs; "
            + "analyze median \(String(format: "%.2f", analyze.median)) µs, p99 \(String(format: "%.2f", analyze.p99)) µs\n"
    }

    /// Runs `body` `repeats` times and returns the median and 99th percentile in microseconds.
    static func percentiles(repeats: Int, _ body: () -> Void) -> (median: Double, p99: Double) {
        var samples: [Double] = []
        samples.reserveCapacity(repeats)
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
        }
        samples.sort()
        return (samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)])
    }
}
