import XCTest
@testable import ExplorerCLI

/// `clip-explorer help [COMMAND]` prints the overview or one command's help.
final class ProgramHelpTests: XCTestCase {


    func testHelpCommandPrintsItsHelp() {
        let result = runProgram(["help", "tokenize"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.out, runProgram(["tokenize", "--help"]).out)
        XCTAssertEqual(result.err, "")
    }

    func testHelpAlonePrintsOverview() {
        let result = runProgram(["help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.out, Program.overview())
    }

    func testHelpUnknownCommandExitsTwo() {
        let result = runProgram(["help", "tokenise"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.out, "")
        XCTAssertTrue(result.err.hasPrefix("clip-explorer help: expected one command name (tokenize, decode, "), result.err)
        XCTAssertTrue(result.err.hasSuffix("got 'tokenise'\n"), result.err)
    }
}
