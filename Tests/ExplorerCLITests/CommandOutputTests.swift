import Foundation
import XCTest
@testable import ExplorerCLI

#if canImport(Glibc)
import Glibc
#endif

/// The writer behind the process's standard output must report failed writes,
/// because `clip-explorer ... > /dev/full` would otherwise exit 0 with nothing written.
final class CommandOutputTests: XCTestCase {
    func testWriteAllReportsFullDevice() throws {
        let descriptor = open("/dev/full", O_WRONLY | O_CLOEXEC)
        try XCTSkipIf(descriptor < 0, "/dev/full is not available")
        defer { close(descriptor) }

        XCTAssertEqual(writeAll(descriptor, "a cat\n"), ENOSPC)
    }

    func testWriteAllReportsClosedDescriptor() {
        var descriptors: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&descriptors), 0)
        close(descriptors[0])
        close(descriptors[1])

        XCTAssertEqual(writeAll(descriptors[1], "a cat\n"), EBADF)
    }

    func testWriteAllWritesEveryByte() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("write-all-\(UUID().uuidString)").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        defer { unlink(path) }
        let text = String(repeating: "ids 49406 320 2368 49407 ", count: 20_000)

        XCTAssertEqual(writeAll(descriptor, text), 0)
        close(descriptor)

        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), text)
    }

    func testEmptyTextWritesNothing() {
        XCTAssertEqual(writeAll(-1, ""), 0)
    }
}
