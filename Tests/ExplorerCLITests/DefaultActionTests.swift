import XCTest
@testable import ExplorerCLI

/// Arguments without a command start the explorer or line mode. Bad ones must
/// exit 2 before standard input is read.
final class DefaultActionTests: XCTestCase {
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

    func testUnknownOptionExitsTwo() {
        let result = run(["--bogus"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.out, "")
        XCTAssertEqual(result.err, "clip-explorer: unknown option '--bogus'\nRun 'clip-explorer --help' for usage.\n")
    }

    func testOptionWithoutValueExitsTwo() {
        let result = run(["--theme"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.hasPrefix("clip-explorer: option --theme needs a value\n"), result.err)
    }

    func testStrayArgumentExitsTwo() {
        let result = run(["--model", "openai/clip-vit-base-patch32", "a cat"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.hasPrefix("clip-explorer: unexpected argument 'a cat'; to tokenize text, run 'clip-explorer tokenize TEXT'\n"),
                      result.err)
    }

    func testLoneDashIsStandardInput() {
        let result = run(["-", "--help"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(result.out, Program.overview())
    }

    func testHelpAfterOptionPrintsOverview() {
        let result = run(["--model", "openai/clip-vit-base-patch32", "--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.out, Program.overview())
    }
}
