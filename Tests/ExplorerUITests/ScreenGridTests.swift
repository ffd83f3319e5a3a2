import XCTest
@testable import ExplorerUI

final class DisplayWidthTests: XCTestCase {
    func testWidthByGraphemeCluster() {
        let cases: [(String, Int)] = [
            ("a", 1),
            ("日", 2),
            ("한", 2),
            ("Ａ", 2),          // fullwidth A
            ("😀", 2),
            ("👨‍👩‍👧", 2),         // ZWJ family: one cluster
            ("🇯🇵", 2),          // flag: two regional indicators
            ("e\u{301}", 1),    // e with a combining acute accent
            ("☺\u{FE0F}", 2),   // VS16 selects emoji presentation
            ("☺", 1),
            ("\u{07}", 0),
            ("1\u{FE0F}\u{20E3}", 2), // keycap one
        ]
        for (text, width) in cases {
            XCTAssertEqual(text.count, 1, "\(text.unicodeScalars.map { String($0.value, radix: 16) }) should be one character")
            XCTAssertEqual(displayWidth(of: Character(text)), width, "width of \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    func testWidthOfMixedString() {
        XCTAssertEqual(displayWidth(of: "a日本👨‍👩‍👧b"), 8)
    }
}

final class ScreenGridTests: XCTestCase {
    func testPutAdvancesByDisplayWidth() {
        var grid = ScreenGrid(width: 10, height: 1)
        let end = grid.put("日本a", row: 0, column: 0)
        XCTAssertEqual(end, 5)
        XCTAssertEqual(grid.rowText(0), "日本a")
        XCTAssertEqual(grid[0, 1].width, 0)
    }

    func testWideCharacterAtEdgeBecomesSpace() {
        var grid = ScreenGrid(width: 3, height: 1)
        grid.put("ab日", row: 0, column: 0)
        XCTAssertEqual(grid.rowText(0), "ab")
        XCTAssertEqual(grid[0, 2].width, 1)
    }

    func testOverwritingHalfOfWideCharacterClearsIt() {
        var grid = ScreenGrid(width: 4, height: 1)
        grid.put("日本", row: 0, column: 0)
        grid.put("x", row: 0, column: 1)
        XCTAssertEqual(grid.rowText(0), " x本")
        grid.put("y", row: 0, column: 2)
        XCTAssertEqual(grid.rowText(0), " xy")
    }

    func testZWJSequenceTakesTwoCells() {
        var grid = ScreenGrid(width: 6, height: 1)
        let end = grid.put("👨‍👩‍👧x", row: 0, column: 0)
        XCTAssertEqual(end, 3)
        XCTAssertEqual(grid[0, 0].character, "👨‍👩‍👧")
        XCTAssertEqual(grid[0, 2].character, "x")
    }

    func testControlCharacterShowsReplacement() {
        var grid = ScreenGrid(width: 4, height: 1)
        grid.put("a\u{1B}b", row: 0, column: 0)
        XCTAssertEqual(grid.rowText(0), "a\u{FFFD}b")
    }

    func testLimitClipsText() {
        var grid = ScreenGrid(width: 10, height: 1)
        grid.put("abcdef", row: 0, column: 2, limit: 5)
        XCTAssertEqual(grid.rowText(0), "  abc")
    }

    func testOutOfRangeRowIsIgnored() {
        var grid = ScreenGrid(width: 3, height: 1)
        grid.put("abc", row: 5, column: 0)
        grid.fill(row: -1, role: .title)
        XCTAssertEqual(grid.plainText(), "")
    }
}

final class TokenLabelTests: XCTestCase {
    func testPartialCharacterShowsHex() {
        XCTAssertEqual(decodeForDisplay([0xE3, 0x83]), "<E3 83>")
        XCTAssertEqual(decodeForDisplay([0xE3, 0x83, 0xA2]), "モ")
        XCTAssertEqual(decodeForDisplay([0x61, 0xA2, 0x62]), "a<A2>b")
        XCTAssertEqual(decodeForDisplay([0xED, 0xA0, 0x80]), "<ED A0 80>")  // a surrogate is not UTF-8
    }

    func testWhitespaceToggleMarksWordEnd() {
        let piece = TokenPiece(id: 786, bpe: "man</w>", bytes: Array("man".utf8), endsWord: true, source: 4..<7)
        XCTAssertEqual(tokenLabel(piece, visibleWhitespace: false), "man")
        XCTAssertEqual(tokenLabel(piece, visibleWhitespace: true), "man·")
        let partial = TokenPiece(id: 2429, bpe: "ãĥ", bytes: [0xE3, 0x83], endsWord: false, source: 15..<16)
        XCTAssertEqual(tokenLabel(partial, visibleWhitespace: true), "<E3 83>")
    }
}
