import Foundation
import XCTest
@testable import ExplorerCLI

#if canImport(Glibc)
import Glibc
#endif

/// Line mode and `tokenize --jsonl` read standard input through LineReader.
final class LineReaderTests: XCTestCase {
    func testFolderAsInputReportsReadError() throws {
        let descriptor = open(NSTemporaryDirectory(), O_RDONLY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        defer { close(descriptor) }
        var reader = LineReader(descriptor: descriptor)

        XCTAssertNil(reader.nextLine())
        XCTAssertEqual(reader.readError, EISDIR)
        XCTAssertEqual(readFailureMessage(EISDIR), "reading standard input failed: Is a directory; give it a text file or a pipe")
    }

    func testLinesWithoutReadError() throws {
        let path = NSTemporaryDirectory() + "line-reader-\(UUID().uuidString)"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("a cat\r\na dog\nlast".utf8)))
        defer { unlink(path) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        defer { close(descriptor) }
        var reader = LineReader(descriptor: descriptor)

        XCTAssertEqual(reader.nextLine(), Array("a cat".utf8))
        XCTAssertEqual(reader.nextLine(), Array("a dog".utf8))
        XCTAssertEqual(reader.nextLine(), Array("last".utf8))
        XCTAssertNil(reader.nextLine())
        XCTAssertNil(reader.readError)
    }
}
