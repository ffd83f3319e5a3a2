#if canImport(Glibc)
import Glibc
#endif

extension Program {
    /// Starts the explorer on a terminal, or the line-mode REPL when standard
    /// input or output is not one (a pipe, a file, a script). Bad arguments
    /// exit 2 in either mode, before standard input is read.
    static func runDefault(_ arguments: [String], output: inout CommandOutput) -> Int32 {
        do {
            let parsed = try parseArguments(arguments, options: explorerOptions)
            // A lone "-" names standard input, which line mode reads anyway.
            if let text = parsed.positionals.first(where: { $0 != "-" }) {
                throw UsageError("unexpected argument '\(text)'; to tokenize text, run '\(name) tokenize TEXT'")
            }
            if parsed.helpRequested {
                output.out(overview())
                return 0
            }
            let interactive = isatty(0) != 0 && isatty(1) != 0
            if interactive || parsed.value(explorerBenchmarkFlag) != nil {
                return runExplorer(arguments.filter { $0 != "-" }, output: &output)
            }
        } catch let error as UsageError {
            output.err("\(name): \(escapingControlCharacters(error.message))\nRun '\(name) --help' for usage.\n")
            return 2
        } catch {
            output.err("\(name): \(escapingControlCharacters(describe(error)))\n")
            return 1
        }
        return runLineMode(output: &output)
    }
}
