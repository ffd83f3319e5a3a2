import XCTest
@testable import ExplorerCLI

/// Arguments without a command start the explorer or line mode. Bad ones must
/// exit 2 before standard input is read.
final class DefaultActionTests: XCTestCase {


    func testUnknownOptionExitsTwo() {
        let result = runProgram(["--bogus"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.out, "")
        XCTAssertEqual(result.err, "clip-explorer: unknown option '--bogus'\nRun 'clip-explorer --help' for usage.\n")
    }

    func testOptionWithoutValueExitsTwo() {
        let result = runProgram(["--theme"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.hasPrefix("clip-explorer: option --theme needs a value\n"), result.err)
    }

    func testStrayArgumentExitsTwo() {
        let result = runProgram(["--model", "openai/clip-vit-base-patch32", "a cat"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.hasPrefix("clip-explorer: unexpected argument 'a cat'; to tokenize text, run 'clip-explorer tokenize TEXT'\n"),
                      result.err)
    }

    func testLoneDashIsStandardInput() {
        let result = runProgram(["-", "--help"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(result.out, Program.overview())
    }

    func testHelpAfterOptionPrintsOverview() {
        let result = runProgram(["--model", "openai/clip-vit-base-patch32", "--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.out, Program.overview())
    }
}
