import Foundation
import XCTest
@testable import CLIPTokenizer

/// Padding, truncation and bad input, checked against fixture ids from OpenAI's tokenizer.
final class TokenizeTests: XCTestCase {
    var tokenizer: CLIPTokenizer!

    override func setUpWithError() throws {
        tokenizer = try CLIPTokenizer.bundled()
    }

    func testTruncationKeepsFirstTokensAndEndsWithEnd() throws {
        let long = try FixtureTests.loadFixture("adversarial").filter { $0.category == "long" }
        XCTAssertFalse(long.isEmpty, "the adversarial fixture has no long lines")
        for line in long {
            let ids = try tokenizer.tokenize(line.text)
            XCTAssertEqual(ids.count, 77)
            XCTAssertEqual(ids, [49406] + line.ids.prefix(75) + [49407], "truncated ids differ for \(line.text.prefix(30))")
        }
    }

    func testNoTruncateReportsCountAndLimit() throws {
        let text = String(repeating: "cat ", count: 80)
        XCTAssertThrowsError(try tokenizer.tokenize(text, truncate: false)) { error in
            XCTAssertEqual(error as? TokenizerError, .tooLong(tokenCount: 82, contextLength: 77))
            XCTAssertEqual((error as? LocalizedError)?.errorDescription?.contains("82 tokens"), true)
        }
    }

    func testExactFitNeedsNoTruncation() throws {
        let text = String(repeating: "cat ", count: 75)
        let ids = try tokenizer.tokenize(text, truncate: false)
        XCTAssertEqual(ids.first, 49406)
        XCTAssertEqual(ids.last, 49407)
        XCTAssertEqual(ids.count, 77)
    }

    func testPadIDAndContextLength() throws {
        let ids = try tokenizer.tokenize("a cat", contextLength: 8, padID: 49407)
        XCTAssertEqual(ids, [49406, 320, 2368, 49407, 49407, 49407, 49407, 49407])
        XCTAssertThrowsError(try tokenizer.tokenize("a cat", contextLength: 1)) { error in
            XCTAssertEqual(error as? TokenizerError, .invalidContextLength(1))
        }
        XCTAssertEqual(try tokenizer.tokenize("a cat dog", contextLength: 3), [49406, 320, 49407])
    }

    func testEmptyAndWhitespaceOnlyText() throws {
        let empty = [Int32](repeating: 0, count: 75)
        XCTAssertEqual(try tokenizer.tokenize(""), [49406, 49407] + empty)
        XCTAssertEqual(try tokenizer.tokenize(" \t\n\u{3000}\u{A0} "), [49406, 49407] + empty)
        XCTAssertEqual(tokenizer.encode(""), [])
    }

    func testNULBytesAreRemovedLikeFtfy() {
        // ftfy removes U+0000 as a control character, so "a\0b" is "ab" (fixture category "control").
        XCTAssertEqual(tokenizer.encode("a\u{0}b"), tokenizer.encode("ab"))
        XCTAssertEqual(tokenizer.encode("\u{0}\u{0}"), [])
    }

    func testTenMegabyteLinesFinish() {
        let words = String(repeating: "a photo of a cat ", count: 10_000_000 / 17)
        XCTAssertEqual(tokenizer.encode(words).count, 5 * (10_000_000 / 17))

        // One long word goes through the heap-based BPE; its pieces must spell it back. It is
        // 1 MB so the debug-build test stays quick; TokenizerProcessTests sends a 10 MB one.
        let letters = String(repeating: "abcdefghij", count: 100_000)
        let ids = tokenizer.encode(letters)
        XCTAssertEqual(tokenizer.decode(ids), letters + " ")
    }

    func testLongNonASCIILineFinishes() {
        let text = String(repeating: "Café “naïve” ﬁsh 東京 ", count: 20_000)
        let ids = tokenizer.encode(text)
        XCTAssertEqual(ids, Array(repeating: tokenizer.encode("Café “naïve” ﬁsh 東京"), count: 20_000).flatMap { $0 })
    }

    func testConcurrentEncodingMatchesSerial() throws {
        let lines = try FixtureTests.loadFixture("multilingual").prefix(400).map(\.text)
        let shared = try CLIPTokenizer.bundled()
        let expected = lines.map { shared.encode($0) }
        let results = UnsafeMutableBufferPointer<[Int32]>.allocate(capacity: lines.count)
        results.initialize(repeating: [])
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: lines.count) { index in
            results[index] = shared.encode(lines[index])
        }
        XCTAssertEqual(Array(results), expected)
    }
}
