import Foundation
import XCTest
@testable import CLIPTokenizer

final class VocabularyTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("clip-vocab-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testMissingFileNamesPath() {
        let path = folder.appendingPathComponent("absent.txt.gz").path
        XCTAssertThrowsError(try CLIPTokenizer(openAIVocabPath: path)) { error in
            XCTAssertEqual(error as? TokenizerError, .unreadableFile(path: path, reason: "the file is missing or not readable"))
        }
    }

    func testNotGzipIsRejected() throws {
        let path = folder.appendingPathComponent("garbage.txt.gz").path
        try Data("not gzip at all".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try CLIPTokenizer(openAIVocabPath: path)) { error in
            guard case .unreadableFile(let reported, let reason)? = error as? TokenizerError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(reported, path)
            XCTAssertTrue(reason.contains("not valid gzip"), reason)
        }
    }

    func testTruncatedGzipIsRejected() throws {
        let bundled = try VocabularyLocator.bundledVocabularyPath()
        let data = try Data(contentsOf: URL(fileURLWithPath: bundled))
        let path = folder.appendingPathComponent("truncated.txt.gz").path
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try CLIPTokenizer(openAIVocabPath: path)) { error in
            XCTAssertEqual(error as? TokenizerError, .unreadableFile(path: path, reason: "the gzip data ends early (truncated file)"))
        }
    }

    func testTooFewMergeLinesIsRejected() throws {
        let path = folder.appendingPathComponent("short.txt.gz").path
        try gzip("#version: 0.2\ni n\nt h\n", to: path)
        XCTAssertThrowsError(try CLIPTokenizer(openAIVocabPath: path)) { error in
            guard case .invalidVocabulary(let reported, _, let reason)? = error as? TokenizerError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(reported, path)
            XCTAssertTrue(reason.contains("48895"), reason)
        }
    }

    func testHuggingFaceFormAgreesWithOpenAI() throws {
        let tokenizer = try CLIPTokenizer.bundled()
        let (vocabURL, mergesURL) = try writeHuggingFaceFiles(from: tokenizer)
        let loaded = try CLIPTokenizer(vocabJSON: vocabURL, merges: mergesURL)
        XCTAssertEqual(loaded.vocabularySize, 49408)
        XCTAssertEqual(loaded.startOfTextID, 49406)
        XCTAssertEqual(loaded.endOfTextID, 49407)
        for line in try FixtureTests.loadFixture("multilingual").prefix(500) {
            XCTAssertEqual(loaded.encode(line.text), line.ids, line.text)
        }
    }

    func testHuggingFaceMergeWithUnknownTokenNamesLine() throws {
        let tokenizer = try CLIPTokenizer.bundled()
        let (vocabURL, mergesURL) = try writeHuggingFaceFiles(from: tokenizer, extraMerge: "zz qq")
        XCTAssertThrowsError(try CLIPTokenizer(vocabJSON: vocabURL, merges: mergesURL)) { error in
            guard case .invalidVocabulary(let path, let line, _)? = error as? TokenizerError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(path, mergesURL.path)
            XCTAssertEqual(line, 48896)  // the version line, 48894 merges, then the bad one
        }
    }

    func testHuggingFaceTokenWithoutMergeIsRejected() throws {
        let tokenizer = try CLIPTokenizer.bundled()
        let (vocabURL, mergesURL) = try writeHuggingFaceFiles(from: tokenizer, dropLastMerge: true)
        XCTAssertThrowsError(try CLIPTokenizer(vocabJSON: vocabURL, merges: mergesURL)) { error in
            guard case .invalidVocabulary(_, _, let reason)? = error as? TokenizerError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertTrue(reason.contains("id 49405"), reason)
        }
    }

    // MARK: - Helpers

    func gzip(_ text: String, to path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Writes vocab.json and merges.txt as Hugging Face model folders hold them.
    func writeHuggingFaceFiles(from tokenizer: CLIPTokenizer, extraMerge: String? = nil,
                               dropLastMerge: Bool = false) throws -> (URL, URL) {
        var vocab: [String: Int] = [:]
        for id in 0..<tokenizer.vocabularySize {
            vocab[tokenizer.token(for: Int32(id)) ?? ""] = id
        }
        let vocabURL = folder.appendingPathComponent("vocab.json")
        try JSONSerialization.data(withJSONObject: vocab).write(to: vocabURL)

        var lines = ["#version: 0.2"]
        var pairs = tokenizer.vocabulary.mergePairs
        if dropLastMerge { pairs.removeLast() }
        for pair in pairs {
            lines.append("\(tokenizer.token(for: pair.left) ?? "") \(tokenizer.token(for: pair.right) ?? "")")
        }
        if let extraMerge { lines.append(extraMerge) }
        let mergesURL = folder.appendingPathComponent("merges.txt")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: mergesURL)
        return (vocabURL, mergesURL)
    }
}
