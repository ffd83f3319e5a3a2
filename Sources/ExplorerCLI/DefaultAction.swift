#if canImport(Glibc)
import Glibc
#endif

extension Program {
    /// Starts the explorer on a terminal, or the line-mode REPL when standard
    /// input or output is not one (a pipe, a file, a script).
    static func runDefault(_ arguments: [String], output: inout CommandOutput) -> Int32 {
        if (isatty(0) != 0 && isatty(1) != 0) || arguments.contains(explorerBenchmarkFlag) {
            return runExplorer(arguments, output: &output)
        }
        return runLineMode(output: &output)
    }
}
