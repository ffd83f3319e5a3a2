import Foundation
import XCTest
@testable import ExplorerCLI

final class ExplorerLaunchTests: XCTestCase {

    func testHelpWithoutTerminal() {
        let result = runProgram(["--model", "x", "--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.out, Program.overview())
        XCTAssertTrue(result.out.contains("usage: clip-explorer [--model M] [--theme NAME] [--log FILE]"), result.out)
        XCTAssertEqual(result.err, "")
    }

    func testBenchmarkFramesReportsTokenCount() throws {
        let result = runProgram(["--bench-ui", "bozuman", "--frames", "4"])
        XCTAssertEqual(result.status, 0, result.err)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        XCTAssertEqual(object["tokens"] as? Int, 5)
        XCTAssertEqual(object["frames"] as? Int, 4)
    }

    func testBenchmarkRejectsBadFrameCount() {
        let result = runProgram(["--bench-ui", "bozuman", "--frames", "0"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.contains("invalid value '0' for --frames"), result.err)
    }
}
