import Foundation
import XCTest
@testable import CLIPModel

final class LabelFileTests: XCTestCase {
    func parse(_ bytes: [UInt8]) throws -> [String] {
        try LabelFile.parse(Data(bytes), path: "labels.txt")
    }

    func testLineEndingsAndBlankLines() throws {
        XCTAssertEqual(try parse(Array("a cat\nb dog\n".utf8)), ["a cat", "b dog"])
        XCTAssertEqual(try parse(Array("a cat\r\nb dog\r\n".utf8)), ["a cat", "b dog"], "CRLF")
        XCTAssertEqual(try parse(Array("a cat\rb dog".utf8)), ["a cat", "b dog"], "CR only")
        XCTAssertEqual(try parse(Array("\n\n  a cat \t\n\r\n\nb dog".utf8)), ["a cat", "b dog"], "blank lines and spaces")
    }

    func testByteOrderMarkRemoved() throws {
        XCTAssertEqual(try parse([0xEF, 0xBB, 0xBF] + Array("red circle\nblue star\n".utf8)), ["red circle", "blue star"])
    }

    func testNonASCIILabelsKept() throws {
        XCTAssertEqual(try parse(Array("café au lait\n東京タワー\n🐈 cat\n".utf8)), ["café au lait", "東京タワー", "🐈 cat"])
    }

    func testInvalidUTF8NamesLine() {
        XCTAssertThrowsError(try parse(Array("ok\r\nfine\n".utf8) + [0x66, 0xFF, 0x0A])) { error in
            XCTAssertEqual(error as? LabelFile.ReadError, .notUTF8(path: "labels.txt", line: 3))
            XCTAssertTrue("\(error)".contains("line 3"), "\(error)")
        }
    }

    func testRepeatedLabelRejected() {
        XCTAssertThrowsError(try parse(Array("red star\nblue star\n\n red star \n".utf8))) { error in
            XCTAssertEqual(error as? LabelFile.ReadError, .duplicate(path: "labels.txt", label: "red star", firstLine: 1, line: 4))
        }
    }

    func testEmptyFileRejected() {
        for bytes: [UInt8] in [[], Array(" \n\r\n\t\n".utf8), [0xEF, 0xBB, 0xBF]] {
            XCTAssertThrowsError(try parse(bytes)) { error in
                XCTAssertEqual(error as? LabelFile.ReadError, .empty(path: "labels.txt"))
            }
        }
    }

    func testFolderRejected() {
        let folder = NSTemporaryDirectory()
        XCTAssertThrowsError(try LabelFile.read(path: folder)) { error in
            XCTAssertEqual(error as? LabelFile.ReadError, .isFolder(path: folder))
        }
    }

    func testPipeIsRead() throws {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data("red star\r\nblue circle\n".utf8))
        try pipe.fileHandleForWriting.close()
        let path = "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)"
        XCTAssertEqual(try LabelFile.read(path: path), ["red star", "blue circle"])
    }

    func testEndlessFileStopsAtLimit() {
        XCTAssertThrowsError(try LabelFile.read(path: "/dev/zero")) { error in
            XCTAssertEqual(error as? LabelFile.ReadError, .tooLarge(path: "/dev/zero", maxBytes: LabelFile.maxBytes))
        }
    }

    func testMissingFileRejected() {
        let path = NSTemporaryDirectory() + "no-such-labels-\(UUID().uuidString).txt"
        XCTAssertThrowsError(try LabelFile.read(path: path)) { error in
            XCTAssertEqual(error as? LabelFile.ReadError, .unreadable(path: path))
            XCTAssertTrue("\(error)".contains(path), "\(error)")
        }
    }
}
