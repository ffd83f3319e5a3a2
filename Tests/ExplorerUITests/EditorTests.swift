import Foundation
import XCTest
@testable import ExplorerUI

final class LineEditorTests: XCTestCase {
    func testCursorMovesByGrapheme() {
        var editor = LineEditor("a👨‍👩‍👧日")
        XCTAssertEqual(editor.cursor, 3)
        editor.moveLeft()
        editor.deleteBackward()
        XCTAssertEqual(editor.text, "a日")
        XCTAssertEqual(editor.cursor, 1)
    }

    func testCombiningMarkJoinsPreviousCharacter() {
        var editor = LineEditor("cafe")
        editor.insert("\u{301}")
        XCTAssertEqual(editor.characters.count, 4)
        XCTAssertEqual(editor.cursor, 4)
        editor.deleteBackward()
        XCTAssertEqual(editor.text, "caf")
    }

    func testKillKeys() {
        var editor = LineEditor("a photo of a cat")
        XCTAssertTrue(editor.handle(.control("w")))
        XCTAssertEqual(editor.text, "a photo of a ")
        XCTAssertTrue(editor.handle(.control("w")))
        XCTAssertEqual(editor.text, "a photo of ")
        XCTAssertTrue(editor.handle(.control("a")))
        XCTAssertTrue(editor.handle(.right))
        XCTAssertTrue(editor.handle(.right))
        XCTAssertTrue(editor.handle(.control("k")))
        XCTAssertEqual(editor.text, "a ")
        XCTAssertTrue(editor.handle(.left))
        XCTAssertTrue(editor.handle(.control("u")))
        XCTAssertEqual(editor.text, " ")
        XCTAssertEqual(editor.cursor, 0)
    }

    func testHomeEndDelete() {
        var editor = LineEditor("abc")
        XCTAssertTrue(editor.handle(.home))
        XCTAssertTrue(editor.handle(.delete))
        XCTAssertEqual(editor.text, "bc")
        XCTAssertTrue(editor.handle(.end))
        XCTAssertTrue(editor.handle(.delete))
        XCTAssertEqual(editor.text, "bc")
        XCTAssertTrue(editor.handle(.control("e")))
        XCTAssertEqual(editor.cursor, 2)
    }

    func testPasteBecomesOneLine() {
        var editor = LineEditor()
        XCTAssertTrue(editor.handle(.paste("a\ncat\tsits\u{7}")))
        XCTAssertEqual(editor.text, "a cat sits")
    }
}

final class KeyDecoderTests: XCTestCase {
    func testBracketedPasteIsOneKey() {
        var decoder = KeyDecoder()
        XCTAssertNil(decoder.decode(.pasteStart))
        for scalar in "日本\nx".unicodeScalars {
            XCTAssertNil(decoder.decode(.scalar(scalar.value)))
        }
        XCTAssertNil(decoder.decode(.key(.enter)))
        XCTAssertEqual(decoder.decode(.pasteEnd), .paste("日本 x "))
    }

    func testControlBytes() {
        var decoder = KeyDecoder()
        XCTAssertEqual(decoder.decode(.scalar(0x01)), .control("a"))
        XCTAssertEqual(decoder.decode(.scalar(0x17)), .control("w"))
        XCTAssertEqual(decoder.decode(.scalar(0x7F)), .backspace)
        XCTAssertEqual(decoder.decode(.scalar(0x0D)), .enter)
        XCTAssertEqual(decoder.decode(.scalar(0x09)), .tab)
        XCTAssertEqual(decoder.decode(.scalar(0x1B)), .escape)
        XCTAssertEqual(decoder.decode(.scalar(0x65E5)), .character("日"))
        XCTAssertNil(decoder.decode(.timeout))
    }
}

final class PromptHistoryTests: XCTestCase {
    func testBrowsingRestoresDraft() {
        var history = PromptHistory(entries: ["one", "two"])
        XCTAssertEqual(history.previous(current: "draft"), "two")
        XCTAssertEqual(history.previous(current: "two"), "one")
        XCTAssertNil(history.previous(current: "one"))
        XCTAssertEqual(history.next(), "two")
        XCTAssertEqual(history.next(), "draft")
        XCTAssertNil(history.next())
    }

    func testAddSkipsBlankAndRepeats() {
        var history = PromptHistory(maxEntries: 2)
        history.add("a")
        history.add("a")
        history.add("  ")
        history.add("b")
        history.add("c")
        XCTAssertEqual(history.entries, ["b", "c"])
    }

    func testSaveAndLoadRoundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("clip-explorer/history")
        var history = PromptHistory()
        history.add("a photo of a cat")
        history.add("日本語 👨‍👩‍👧")
        try history.save(to: url)
        XCTAssertEqual(try PromptHistory.load(from: url).entries, ["a photo of a cat", "日本語 👨‍👩‍👧"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        XCTAssertEqual(leftovers, ["history"], "the temporary file should be renamed over the history")
    }

    func testMissingFileIsEmptyHistory() throws {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/history")
        XCTAssertEqual(try PromptHistory.load(from: url).entries, [])
    }

    func testDefaultLocation() {
        XCTAssertEqual(PromptHistory.defaultURL(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]).path, "/s/clip-explorer/history")
        XCTAssertEqual(PromptHistory.defaultURL(environment: ["HOME": "/h"]).path, "/h/.local/state/clip-explorer/history")
        XCTAssertEqual(PromptHistory.defaultURL(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]).path, "/h/.local/state/clip-explorer/history")
    }
}

final class TerminalKeyMapTests: XCTestCase {
    func testNcursesKeyCodes() {
        XCTAssertEqual(TerminalApp.rawInput(forKeyCode: 0o403), .key(.up))        // KEY_UP
        XCTAssertEqual(TerminalApp.rawInput(forKeyCode: 0o410 + 1), .key(.function(1)))  // KEY_F(1)
        XCTAssertEqual(TerminalApp.rawInput(forKeyCode: 0o410 + 4), .key(.function(4)))
        XCTAssertEqual(TerminalApp.rawInput(forKeyCode: 0o632), .key(.resize))    // KEY_RESIZE
        XCTAssertEqual(TerminalApp.rawInput(forKeyCode: 0x7001), .pasteStart)
        XCTAssertEqual(TerminalApp.rawInput(forKeyCode: 0x7002), .pasteEnd)
        XCTAssertEqual(TerminalApp.rawInput(forKeyCode: 0o777), .timeout, "an unknown code is ignored")
    }
}
