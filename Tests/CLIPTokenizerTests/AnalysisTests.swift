import XCTest
@testable import CLIPTokenizer

final class AnalysisTests: XCTestCase {
    var tokenizer: CLIPTokenizer!

    override func setUpWithError() throws {
        tokenizer = try CLIPTokenizer.bundled()
    }

    func testAnalyzeMatchesEncode() throws {
        for line in try FixtureTests.loadFixture("adversarial") {
            let details = tokenizer.analyze(line.text)
            XCTAssertEqual(details.map(\.id), line.ids, line.text)
            let scalarCount = line.text.unicodeScalars.count
            for span in details.compactMap(\.span) where span.lowerBound < 0 || span.upperBound > scalarCount {
                XCTFail("span \(span) is outside the \(scalarCount) scalars of \(line.text.debugDescription)")
            }
        }
    }

    func testASCIIFastPathMatchesTrackedPath() throws {
        let lines = try FixtureTests.loadFixture("prompts").prefix(2_000).map(\.text)
        for text in lines + ["  Leading  and trailing\t", "<|EndOfText|> it's", "a\r\nb\u{0C}c"] {
            XCTAssertEqual(tokenizer.analyzeSimpleASCII(text), tokenizer.analyzeTracked(text), text)
        }
    }

    func testSpansPointIntoOriginalText() {
        let details = tokenizer.analyze("A  Cat")
        XCTAssertEqual(details.map(\.piece), ["a</w>", "cat</w>"])
        XCTAssertEqual(details.map(\.span), [0..<1, 3..<6])
        XCTAssertEqual(details.map(\.endsWord), [true, true])
        XCTAssertEqual(details.map(\.bytes), [Array("a".utf8), Array("cat".utf8)])
    }

    func testSpanOfEntityCoversTheEntity() {
        // "&amp;" is one character after cleanup; its token points at all five input characters.
        let details = tokenizer.analyze("x &amp; y")
        XCTAssertEqual(details.map(\.piece), ["x</w>", "&</w>", "y</w>"])
        XCTAssertEqual(details.map(\.span), [0..<1, 2..<7, 8..<9])
    }

    func testSpanOfLigatureAndFullwidth() {
        // "ﬁ" becomes "fi" and "ｃ" becomes "c": both pieces point back at the original characters.
        let details = tokenizer.analyze("ﬁｃ")
        let covered = details.compactMap(\.span)
        XCTAssertEqual(covered.first?.lowerBound, 0)
        XCTAssertEqual(covered.last?.upperBound, 2)
    }

    func testSpanOfComposedCharacterStaysLocal() {
        // NFC joins "e" and U+0301 into "é"; the Cyrillic word before it keeps its own span.
        let details = tokenizer.analyze("Привет e\u{301}")
        let word = details.filter { ($0.span?.lowerBound ?? 0) < 6 }
        let accented = details.filter { ($0.span?.lowerBound ?? 0) >= 6 }
        XCTAssertEqual(word.first?.span?.lowerBound, 0)
        XCTAssertEqual(word.last?.span?.upperBound, 6)
        XCTAssertFalse(accented.isEmpty)
        XCTAssertTrue(accented.allSatisfy { $0.span == 7..<9 }, "\(accented.map(\.span))")
    }

    func testSpanOfMultiByteCharacterPieces() {
        // One emoji is several byte-level pieces; each points at the emoji's single scalar.
        let details = tokenizer.analyze("a 🐱")
        XCTAssertEqual(details.first?.span, 0..<1)
        XCTAssertTrue(details.dropFirst().allSatisfy { $0.span == 2..<3 }, "\(details.map(\.span))")
        XCTAssertEqual(details.dropFirst().flatMap(\.bytes), Array("🐱".utf8))
    }

    func testMergeStepsOfBozuman() {
        let steps = tokenizer.mergeSteps(forWord: "bozuman")
        XCTAssertEqual(steps.last?.pieces, ["bo", "zu", "man</w>"])
        for (before, after) in zip(steps, steps.dropFirst()) {
            XCTAssertEqual(after.pieces.count, before.pieces.count - 1, "each step here merges one place")
        }
        if let first = steps.first {
            XCTAssertEqual(tokenizer.id(for: first.left + first.right).map { Int($0) - 512 }, first.rank)
        }
        XCTAssertEqual(tokenizer.mergeSteps(forWord: ""), [])
        XCTAssertEqual(tokenizer.mergeSteps(forWord: "<|endoftext|>"), [])
    }

    func testDecodeLikeOpenAI() {
        // SimpleTokenizer.decode turns every "</w>" into a space, so text ends with one.
        XCTAssertEqual(tokenizer.decode([320, 3086, 539, 320, 2368]), "a painting of a cat ")
        XCTAssertEqual(tokenizer.decode([49406, 647, 4091, 786, 49407]), "<|startoftext|>bozuman <|endoftext|>")
        XCTAssertEqual(tokenizer.decodeReportingUnknown([320, 60000, -1]).unknownIDs, [60000, -1])
    }

    func testSearchAndLookup() {
        let matches = tokenizer.search("zum", limit: 10)
        XCTAssertTrue(matches.contains { $0.id == 35094 && $0.token == "zum</w>" }, "\(matches)")
        XCTAssertEqual(tokenizer.search("", limit: 10).count, 0)
        XCTAssertEqual(tokenizer.search("a", limit: 3).count, 3)
        XCTAssertEqual(tokenizer.id(for: "<|startoftext|>"), 49406)
        XCTAssertNil(tokenizer.id(for: "not a token"))
        XCTAssertEqual(tokenizer.bytes(for: 786), Array("man".utf8))
    }
}
