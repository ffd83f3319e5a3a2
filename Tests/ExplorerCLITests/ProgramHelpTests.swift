import XCTest
@testable import ExplorerCLI

/// `clip-explorer help [COMMAND]` prints the overview or one command's help.
final class ProgramHelpTests: XCTestCase {
    final class Capture {
        var out = ""
        var err = ""
    }

    func run(_ arguments: [String]) -> (status: Int32, out: String, err: String) {
        let capture = Capture()
        var output = CommandOutput(standardOutput: { capture.out += $0 }, standardError: { capture.err += $0 })
        let status = Program.run(arguments, output: &output)
        return (status, capture.out, capture.err)
    }

    func testHelpCommandPrintsItsHelp() {
        let result = run(["help", "tokenize"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.out, run(["tokenize", "--help"]).out)
        XCTAssertEqual(result.err, "")
    }

    func testHelpAlonePrintsOverview() {
        let result = run(["help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.out, Program.overview())
    }

    func testHelpUnknownCommandExitsTwo() {
        let result = run(["help", "tokenise"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.out, "")
        XCTAssertTrue(result.err.hasPrefix("clip-explorer help: expected one command name (tokenize, decode, "), result.err)
        XCTAssertTrue(result.err.hasSuffix("got 'tokenise'\n"), result.err)
    }
}
