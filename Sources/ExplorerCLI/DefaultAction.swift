#if canImport(Glibc)
import Glibc
#endif

extension Program {
    /// Starts the explorer on a terminal, or the line-mode REPL when standard input is not one.
    static func runDefault(_ arguments: [String], output: inout CommandOutput) -> Int32 {
        if isatty(0) == 0 {
            return runLineMode(output: &output)
        }
        output.err("\(name): the explorer is not built yet. Run '\(name) --help' for the commands.\n")
        return 1
    }
}
