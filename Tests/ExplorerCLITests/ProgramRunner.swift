import XCTest
@testable import ExplorerCLI

extension XCTestCase {
    /// Runs the program in process with `arguments` and returns its exit status
    /// and everything it wrote to standard output and standard error.
    func runProgram(_ arguments: [String]) -> (status: Int32, out: String, err: String) {
        var out = ""
        var err = ""
        var output = CommandOutput(standardOutput: { out += $0 }, standardError: { err += $0 })
        let status = Program.run(arguments, output: &output)
        return (status, out, err)
    }
}
