#if canImport(Glibc)
import Glibc
#endif

extension Program {
    /// Options of the default action, as the top-level help lists them.
    static let defaultOptions: [OptionSpec] = [
        .value("--model", "M", help: "model folder, file or cached repository id"),
        .value("--theme", "NAME", help: "colour theme of the explorer"),
    ]

    /// Starts the explorer on a terminal, or the line-mode REPL when standard input is not one.
    /// Bad arguments exit 2 before standard input is read.
    static func runDefault(_ arguments: [String], output: inout CommandOutput) -> Int32 {
        do {
            let parsed = try parseArguments(arguments, options: defaultOptions)
            if parsed.helpRequested {
                output.out(overview())
                return 0
            }
            // A lone "-" names standard input, which line mode reads anyway.
            if let text = parsed.positionals.first(where: { $0 != "-" }) {
                throw UsageError("unexpected argument '\(text)'; to tokenize text, run '\(name) tokenize TEXT'")
            }
        } catch let error as UsageError {
            output.err("\(name): \(error.message)\nRun '\(name) --help' for usage.\n")
            return 2
        } catch {
            output.err("\(name): \(describe(error))\n")
            return 1
        }

        if isatty(0) == 0 {
            return runLineMode(output: &output)
        }
        output.err("\(name): the explorer is not built yet. Run '\(name) --help' for the commands.\n")
        return 1
    }
}
