import XCTest
@testable import ExplorerCLI

/// Error messages quote user text, so its control characters must not reach the terminal raw.
final class ErrorMessageEscapingTests: XCTestCase {
    func testControlCharactersEscaped() {
        XCTAssertEqual(escapingControlCharacters("a\u{1B}[2Jb"), "a\\u{1B}[2Jb")
        XCTAssertEqual(escapingControlCharacters("bell\u{07} c1\u{9B} del\u{7F}"), "bell\\u{7} c1\\u{9B} del\\u{7F}")
    }

    func testNewlineTabAndTextKept() {
        XCTAssertEqual(escapingControlCharacters("line\n\ttab é 日本 😀"), "line\n\ttab é 日本 😀")
    }

    func testUnknownCommandEscaped() {
        let result = runProgram(["\u{1B}]0;title\u{07}"])
        XCTAssertEqual(result.status, 2)
        XCTAssertFalse(result.err.contains("\u{1B}"), result.err)
        XCTAssertTrue(result.err.contains("\\u{1B}]0;title\\u{7}"), result.err)
    }

    func testCommandErrorEscaped() {
        let result = runProgram(["preprocess", "/nonexistent/\u{1B}[31mred.jpg", "--out", "/tmp/x.f32"])
        XCTAssertEqual(result.status, 1)
        XCTAssertFalse(result.err.contains("\u{1B}"), result.err)
        XCTAssertTrue(result.err.contains("\\u{1B}[31mred.jpg"), result.err)
    }

    func testPadIDOutsideVocabRejected() {
        let result = runProgram(["tokenize", "--pad-id", "49408", "a cat"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.contains("expected a whole number from 0 to 49407"), result.err)
    }
    func testClassifyOutputEscapesPathsAndLabels() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("escape-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let picture = folder.appendingPathComponent("a\u{1B}]0;pwned\u{07}b.png")
        try FileManager.default.copyItem(at: repository.appendingPathComponent("Examples/0008-blue-circle.png"), to: picture)
        let model = repository.appendingPathComponent("Models/clip-demo-shapes").path
        let labels = "red\u{1B}[31m circle,blue\u{9B}2J circle,green\rcircle"

        for format in [[], ["--csv"], ["--json"]] {
            let result = runProgram(["classify", "--model", model, "--labels", labels, "--no-progress"] + format + [folder.path])
            XCTAssertEqual(result.status, 0, result.err)
            for raw in ["\u{1B}", "\u{9B}", "\u{07}", "\r"] {
                XCTAssertFalse(result.out.contains(raw), "\(format): raw \(raw.unicodeScalars.map { $0.value }) in \(result.out)")
            }
            if format == ["--json"] {
                XCTAssertTrue(result.out.contains("a\\u001b]0;pwned\\u0007b.png"), result.out)
                XCTAssertTrue(result.out.contains("blue\\u009b2J circle"), result.out)
                continue
            }
            XCTAssertTrue(result.out.contains("a\\u{1B}]0;pwned\\u{7}b.png"), result.out)
            XCTAssertTrue(result.out.contains("blue\\u{9B}2J circle"), result.out)
            XCTAssertTrue(result.out.contains("green\\u{D}circle"), result.out)
        }
    }
}
