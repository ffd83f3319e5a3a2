import XCTest
@testable import CLIPTokenizer

/// Values from OpenAI's clip.tokenize (openai-clip 1.0.1), quoted in the project's issue.
final class KnownValueTests: XCTestCase {
    func testPaintingOfACat() throws {
        let tokenizer = try CLIPTokenizer.bundled()
        let ids = try tokenizer.tokenize("a painting of a cat")
        XCTAssertEqual(Array(ids.prefix(7)), [49406, 320, 3086, 539, 320, 2368, 49407])
        XCTAssertEqual(ids.count, 77)
        XCTAssertEqual(Array(ids.dropFirst(7)), [Int32](repeating: 0, count: 70))
    }

    func testBozumanPieces() throws {
        let tokenizer = try CLIPTokenizer.bundled()
        XCTAssertEqual(try tokenizer.tokenize("bozuman").prefix(5), [49406, 647, 4091, 786, 49407])
        XCTAssertEqual(tokenizer.analyze("bozuman").map(\.piece), ["bo", "zu", "man</w>"])
    }

    func testVocabularyShape() throws {
        let tokenizer = try CLIPTokenizer.bundled()
        XCTAssertEqual(tokenizer.vocabularySize, 49408)
        XCTAssertEqual(tokenizer.startOfTextID, 49406)
        XCTAssertEqual(tokenizer.endOfTextID, 49407)
        XCTAssertEqual(tokenizer.token(for: 786), "man</w>")
        XCTAssertEqual(tokenizer.id(for: "man</w>"), 786)
        XCTAssertNil(tokenizer.token(for: 49408))
        XCTAssertNil(tokenizer.token(for: -1))
    }
}
