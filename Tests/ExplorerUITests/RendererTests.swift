import XCTest
@testable import ExplorerUI

/// "bozuman" as OpenAI's clip.tokenize splits it: bo, zu, man</w>.
func bozumanTokenization(padID: Int32 = 0, contextLength: Int = 77) -> Tokenization {
    let pieces = [
        TokenPiece(id: 647, bpe: "bo", bytes: Array("bo".utf8), endsWord: false, source: 0..<2),
        TokenPiece(id: 4091, bpe: "zu", bytes: Array("zu".utf8), endsWord: false, source: 2..<4),
        TokenPiece(id: 786, bpe: "man</w>", bytes: Array("man".utf8), endsWord: true, source: 4..<7),
    ]
    var slots: [Int32] = [49406, 647, 4091, 786, 49407]
    slots += Array(repeating: padID, count: contextLength - slots.count)
    return Tokenization(text: "bozuman", pieces: pieces, slots: slots, padID: padID)
}

func bozumanState() -> ExplorerState {
    var state = ExplorerState()
    state.editor = LineEditor("bozuman")
    state.tokenization = bozumanTokenization()
    return state
}

final class RendererTests: XCTestCase {
    func testBozumanAt80x24() {
        let grid = Renderer().render(bozumanState(), width: 80, height: 24)
        XCTAssertTrue(grid.rowText(1).hasPrefix("> bozuman"), grid.rowText(1))
        XCTAssertTrue(grid.rowText(1).hasSuffix("5/77 tokens"), grid.rowText(1))
        XCTAssertEqual(grid.rowText(3), "<start> bo  zu   man <end>")
        XCTAssertEqual(grid.rowText(4), "49406   647 4091 786 49407")
    }
}

/// Returns a tokenization with `count` pieces of the token "a</w>" (id 320), for truncation.
func longTokenization(count: Int, padID: Int32 = 0) -> Tokenization {
    let text = Array(repeating: "a", count: count).joined(separator: " ")
    let pieces = (0..<count).map { index in
        TokenPiece(id: 320, bpe: "a</w>", bytes: [0x61], endsWord: true, source: (index * 2)..<(index * 2 + 1))
    }
    let kept = min(count, 75)
    var slots: [Int32] = [49406] + Array(repeating: 320, count: kept) + [49407]
    slots += Array(repeating: padID, count: 77 - slots.count)
    return Tokenization(text: text, pieces: pieces, slots: slots, padID: padID)
}

final class LayoutTests: XCTestCase {
    func testTooSmallShowsMessage() {
        let grid = Renderer().render(bozumanState(), width: 39, height: 12)
        XCTAssertTrue(grid.plainText().contains("at least 40x12"), grid.plainText())
        let tiny = Renderer().render(bozumanState(), width: 30, height: 10)
        XCTAssertTrue(tiny.plainText().contains("(30x10)"), tiny.plainText())
        let minimum = Renderer().render(bozumanState(), width: 40, height: 12)
        XCTAssertTrue(minimum.rowText(1).hasPrefix("> bozuman"), minimum.plainText())
    }

    func testLayoutAtSeveralSizes() {
        for (width, height) in [(40, 12), (80, 24), (120, 40), (200, 60)] {
            let grid = Renderer().render(bozumanState(), width: width, height: height)
            XCTAssertTrue(grid.rowText(0).hasPrefix(" clip-explorer"), "\(width)x\(height) title")
            XCTAssertTrue(grid.rowText(1).hasSuffix("5/77 tokens"), "\(width)x\(height) prompt: \(grid.rowText(1))")
            XCTAssertTrue(grid.rowText(height - 1).hasPrefix(" Enter"), "\(width)x\(height) status line")
            XCTAssertEqual(grid.rowText(4), "49406   647 4091 786 49407", "\(width)x\(height) ids")
        }
    }

    func testChipsWrapAtWidth() {
        var state = ExplorerState()
        state.tokenization = longTokenization(count: 20)
        state.editor = LineEditor(state.tokenization?.text ?? "")
        let grid = Renderer().render(state, width: 40, height: 30)
        // "<start>" is 7 wide, each "a" chip is 3 wide ("320"), with one space between.
        XCTAssertEqual(grid.rowText(3), "<start> a   a   a   a   a   a   a   a")
        XCTAssertEqual(grid.rowText(4), "49406   320 320 320 320 320 320 320 320")
        XCTAssertEqual(grid.rowText(5), "a   a   a   a   a   a   a   a   a   a")
        XCTAssertEqual(grid.rowText(7), "a   a   <end>")
        XCTAssertEqual(grid.rowText(8), "320 320 49407")
    }

    func testTruncationDimsPromptAndStrip() {
        var state = ExplorerState()
        state.tokenization = longTokenization(count: 80)
        state.editor = LineEditor(state.tokenization?.text ?? "")
        state.editor.moveHome()
        let grid = Renderer().render(state, width: 200, height: 40)
        XCTAssertTrue(grid.rowText(1).hasSuffix("82/77 tokens, 5 cut"), grid.rowText(1))
        XCTAssertEqual(grid[1, grid.width - 1 - "82/77 tokens, 5 cut".count].role, .error)
        XCTAssertEqual(grid[1, grid.width - 2 - "82/77 tokens, 5 cut".count].role, .text)

        // Prompt character 150 ("a" number 76) starts the cut tail.
        XCTAssertEqual(grid[1, 2 + 148].role, .prompt)
        XCTAssertEqual(grid[1, 2 + 150].role, .promptTruncated)

        let stripRow = (0..<grid.height).first { grid.rowText($0).hasPrefix("S■") } ?? -1
        XCTAssertEqual(grid.rowText(stripRow), "S" + String(repeating: "■", count: 75) + "E ×××××")
        XCTAssertEqual(grid[stripRow, 78].role, .slotTruncated)
        XCTAssertTrue(grid.plainText().contains("5 cut by truncation"))
    }

    func testPaddingStripAndTensorFold() {
        let tokenization = bozumanTokenization()
        XCTAssertEqual(tensorText(tokenization), "tensor([[49406,   647,  4091,   786, 49407,     0 ×72]])")
        let huggingFace = bozumanTokenization(padID: 49407)
        XCTAssertEqual(tensorText(huggingFace), "tensor([[49406,   647,  4091,   786, 49407, 49407 ×72]])")
        let cells = slotCells(tokenization)
        XCTAssertEqual(String(cells.map(\.0)), "S■■■E" + String(repeating: "·", count: 72))
        XCTAssertEqual(tokenCountText(tokenization), "5/77")
    }

    func testTensorWrapsLikeTorch() {
        let lines = wrapAtCommas(tensorText(longTokenization(count: 10)), width: 40, indent: 9)
        XCTAssertEqual(lines[0], "tensor([[49406,   320,   320,   320,")
        XCTAssertTrue(lines[1].hasPrefix("           320,"), lines[1])
        XCTAssertTrue(lines.allSatisfy { $0.count <= 40 })
    }

    func testCJKPromptWidth() {
        var state = ExplorerState()
        state.editor = LineEditor("日本語の猫")
        let grid = Renderer().render(state, width: 40, height: 12)
        XCTAssertEqual(grid.rowText(1), "> 日本語の猫")
        XCTAssertEqual(grid.cursor?.column, 12)
    }

    func testImagePaneSideBySideAndStacked() throws {
        var state = bozumanState()
        let pixels = [UInt8](repeating: 200, count: 4 * 4 * 3)
        let picture = try XCTUnwrap(PreviewImage(width: 4, height: 4, pixels: pixels))
        state.image = ImagePaneState(info: ImageFileInfo(path: "/x/cat.png", format: "png", width: 4, height: 4, mode: "RGB", exifOrientation: 6, exifRotationApplied: true), crop: picture, whole: picture)
        state.labels = ["a cat", "a dog"]
        state.image?.ranking = [RankedLabel(label: "a cat", probability: 0.75, cosine: 0.3125), RankedLabel(label: "a dog", probability: 0.25, cosine: 0.2)]

        let wide = Renderer().render(state, width: 120, height: 40)
        XCTAssertTrue(wide.rowText(2).hasSuffix("│Image cat.png"), wide.rowText(2))
        XCTAssertTrue(wide.plainText().contains("EXIF orientation 6 applied"))
        let rankRow = (0..<wide.height).first { wide.rowText($0).contains("1 a cat") } ?? -1
        XCTAssertTrue(wide.rowText(rankRow).hasSuffix("75.0%  0.313"), wide.rowText(rankRow))

        let narrow = Renderer().render(state, width: 80, height: 40)
        XCTAssertTrue(narrow.plainText().contains("Image cat.png"))
        XCTAssertEqual(narrow.rowText(4), "49406   647 4091 786 49407")
    }

    func testPreviewShadesWithoutColour() throws {
        let pixels: [UInt8] = [0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255]
        let picture = try XCTUnwrap(PreviewImage(width: 2, height: 2, pixels: pixels))
        var grid = ScreenGrid(width: 2, height: 1)
        Renderer(colorEnabled: false).drawPreview(&grid, picture, top: 0, left: 0, columns: 2, rows: 1)
        XCTAssertEqual(grid.rowText(0), " █")
        var colored = ScreenGrid(width: 2, height: 1)
        Renderer(colorEnabled: true).drawPreview(&colored, picture, top: 0, left: 0, columns: 2, rows: 1)
        XCTAssertEqual(colored[0, 1].role, .pixel(upper: RGB(255, 255, 255), lower: RGB(255, 255, 255)))
    }
}

final class LabelColumnTests: XCTestCase {
    func testControlCharactersInLabelsShownAsEscapes() throws {
        var state = bozumanState()
        let picture = try XCTUnwrap(PreviewImage(width: 4, height: 4, pixels: [UInt8](repeating: 200, count: 48)))
        state.image = ImagePaneState(info: ImageFileInfo(path: "/x/cat.png", format: "png", width: 4, height: 4, mode: "RGB", exifOrientation: 1, exifRotationApplied: false), crop: picture, whole: picture)
        state.labels = ["red\u{1B}[31mstar\u{1B}[0m", "a dog"]
        state.image?.ranking = [RankedLabel(label: state.labels[0], probability: 0.75, cosine: 0.3), RankedLabel(label: "a dog", probability: 0.25, cosine: 0.2)]

        let grid = Renderer().render(state, width: 140, height: 40)
        let row = (0..<grid.height).first { grid.rowText($0).contains("1 red") } ?? -1
        XCTAssertTrue(grid.rowText(row).contains("1 red\\u{1B}[31mstar\\u{1B}[0m "), grid.rowText(row))
        XCTAssertFalse(grid.plainText().contains("\u{FFFD}"), grid.plainText())
    }

    func testElideMiddleKeepsBothEnds() {
        XCTAssertEqual(elideMiddle("a photo of a red star", toWidth: 16), "a pho…a red star")
        XCTAssertEqual(elideMiddle("a cat", toWidth: 16), "a cat")
        XCTAssertEqual(elideMiddle("日本語の猫", toWidth: 7), "日…の猫")
        XCTAssertEqual(elideMiddle("abc", toWidth: 1), "…")
    }

    func testLongLabelsWithSharedPrefixStayApart() throws {
        var state = bozumanState()
        let picture = try XCTUnwrap(PreviewImage(width: 4, height: 4, pixels: [UInt8](repeating: 200, count: 48)))
        state.image = ImagePaneState(info: ImageFileInfo(path: "/x/star.png", format: "png", width: 4, height: 4, mode: "RGB", exifOrientation: 1, exifRotationApplied: false), crop: picture, whole: picture)
        state.labels = ["a photo of a red star", "a photo of a red cross"]
        state.image?.ranking = [
            RankedLabel(label: "a photo of a red star", probability: 0.5, cosine: 0.547),
            RankedLabel(label: "a photo of a red cross", probability: 0.5, cosine: 0.546),
        ]

        for (width, height) in [(100, 30), (70, 30)] {
            let text = Renderer().render(state, width: width, height: height).plainText()
            XCTAssertTrue(text.contains("red star"), "\(width)x\(height):\n\(text)")
            XCTAssertTrue(text.contains("red cross"), "\(width)x\(height):\n\(text)")
        }
    }
}

final class MessageLineTests: XCTestCase {
    func testWrapMessageBreaksAtSpaces() {
        XCTAssertEqual(wrapMessage("one two three", width: 8, maxRows: 3), ["one two", "three"])
        XCTAssertEqual(wrapMessage("abcdefghij", width: 4, maxRows: 3), ["abcd", "efgh", "ij"])
        XCTAssertEqual(wrapMessage("a b c d e f g h", width: 3, maxRows: 2), ["a b", "c …"])
        XCTAssertEqual(wrapMessage("", width: 10, maxRows: 3), [])
    }

    func testThemeErrorShowsFileAndLine() {
        let issues = [
            ThemeIssue(path: "/home/user/.config/clip-explorer/themes/broken.theme", line: 1, key: "background", reason: "invalid colour '#zzzzzz'"),
            ThemeIssue(path: "/home/user/.config/clip-explorer/themes/broken.theme", line: 4, key: nil, reason: "expected key = value"),
        ]
        var state = bozumanState()
        state.message = StatusMessage(describe(ThemeError.invalidLines(issues)), isError: true)

        let grid = Renderer().render(state, width: 100, height: 30)
        let text = grid.plainText()
        XCTAssertTrue(text.contains("invalid theme lines 1, 4 in /home/user/.config/clip-explorer/themes/broken.theme"), text)
        XCTAssertTrue(text.contains("line 1: key 'background': invalid colour '#zzzzzz'"), text)
        XCTAssertTrue(text.contains("line 4: expected key = value"), text)
        XCTAssertTrue(grid.rowText(29).hasPrefix(" Enter"), grid.rowText(29))
        XCTAssertEqual(grid.rowText(3), "<start> bo  zu   man <end>")
    }

    func testThemeErrorLinesFitNarrowScreen() {
        let path = "/home/user/.config/clip-explorer/themes/broken.theme"
        let issues = [1, 2, 3, 4].map { ThemeIssue(path: path, line: $0, key: nil, reason: "expected key = value") }
        var state = bozumanState()
        state.message = StatusMessage(describe(ThemeError.invalidLines(issues)), isError: true)

        let grid = Renderer().render(state, width: 40, height: 12)
        XCTAssertEqual(grid.rowText(8), "invalid theme lines 1, 2, 3, 4 in")
    }

    func testCommandLineKeepsOneRow() {
        var state = bozumanState()
        state.focus = .command
        state.command = LineEditor("image Examples/")
        let grid = Renderer().render(state, width: 40, height: 12)
        XCTAssertEqual(grid.rowText(10), ":image Examples/")
    }
}

final class TensorRowsTests: XCTestCase {
    func testCutTensorSaysRowsRemain() {
        var state = ExplorerState()
        let tokenization = longTokenization(count: 60)
        state.editor = LineEditor(tokenization.text)
        state.tokenization = tokenization

        let grid = Renderer().render(state, width: 100, height: 30)
        let tensorRows = (0..<grid.height).filter { grid.rowText($0).hasPrefix("tensor([[") || grid.rowText($0).hasPrefix("         ") }
        XCTAssertEqual(tensorRows.count, 3, grid.plainText())
        let lastRow = grid.rowText(tensorRows[tensorRows.count - 1])
        // The token view is 99 columns wide, so the tensor wraps onto 5 rows: 2 shown, 3 folded into the note.
        XCTAssertEqual(wrapAtCommas(tensorText(tokenization), width: 99, indent: 9).count, 5)
        XCTAssertEqual(lastRow, "         … 3 more rows; :save FILE writes all ids")
    }

    func testShortTensorHasNoNote() {
        let grid = Renderer().render(bozumanState(), width: 100, height: 30)
        XCTAssertFalse(grid.plainText().contains("more rows"), grid.plainText())
    }
}

final class PromptScoreTests: XCTestCase {
    func testLongPromptKeepsCosineVisible() throws {
        var state = bozumanState()
        let picture = try XCTUnwrap(PreviewImage(width: 4, height: 4, pixels: [UInt8](repeating: 200, count: 48)))
        state.image = ImagePaneState(info: ImageFileInfo(path: "/x/star.png", format: "png", width: 4, height: 4, mode: "RGB", exifOrientation: 1, exifRotationApplied: false), crop: picture, whole: picture)
        state.image?.scoredPrompt = "a photo of a small red star drawn on a plain blue background"
        state.image?.promptCosine = -0.125

        let text = Renderer().render(state, width: 100, height: 30).plainText()
        XCTAssertTrue(text.contains("│prompt cosine -0.125: \"a photo of"), text)
    }
}

final class ModelNoteTests: XCTestCase {
    func testTitleDropsNoteBeforeSettings() {
        var state = bozumanState()
        state.model = .ready(ModelSummary(name: "clip-demo-shapes", vocabularySize: 49408, contextLength: 77, note: "DEMO: synthetic shapes only; --model DIR for a real CLIP"))

        let wide = Renderer().render(state, width: 200, height: 30).rowText(0)
        XCTAssertTrue(wide.contains("(DEMO: synthetic shapes only"), wide)
        XCTAssertTrue(wide.hasSuffix("│ pad id 0 │ theme default"), wide)

        let medium = Renderer().render(state, width: 100, height: 30).rowText(0)
        XCTAssertEqual(medium, " clip-explorer │ model clip-demo-shapes · vocab 49408 · context 77 │ pad id 0 │ theme default")

        let narrow = Renderer().render(state, width: 70, height: 30).rowText(0)
        XCTAssertEqual(narrow, " clip-explorer │ model clip-demo-shapes │ pad id 0 │ theme default")

        let cut = Renderer().render(state, width: 60, height: 30).rowText(0)
        XCTAssertEqual(cut, " clip-explorer │ model clip-demo-shapes │ pad id 0 │ theme …")
    }

    func testDemoNoteStaysInMessageLine() {
        var state = bozumanState()
        state.model = .ready(ModelSummary(name: "clip-demo-shapes", vocabularySize: 49408, contextLength: 77, note: "DEMO: synthetic shapes only; --model DIR for a real CLIP"))

        let grid = Renderer().render(state, width: 100, height: 30)
        XCTAssertEqual(grid.rowText(28), "model clip-demo-shapes: DEMO: synthetic shapes only; --model DIR for a real CLIP")
        XCTAssertEqual(grid.roles(row: 28).first, .dim)

        state.message = StatusMessage("pad id 0 (OpenAI and open_clip)")
        XCTAssertEqual(Renderer().render(state, width: 100, height: 30).rowText(28), "pad id 0 (OpenAI and open_clip)")
    }

    func testModelWithoutNoteLeavesLineEmpty() {
        var state = bozumanState()
        state.model = .ready(ModelSummary(name: "ViT-B-32", vocabularySize: 49408, contextLength: 77, note: nil))
        XCTAssertEqual(Renderer().render(state, width: 100, height: 30).rowText(28), "")
    }
}
