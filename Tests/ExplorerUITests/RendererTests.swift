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
        let text = grid.plainText()
        print(text)
        XCTAssertTrue(grid.rowText(1).hasPrefix("> bozuman"), grid.rowText(1))
        XCTAssertTrue(grid.rowText(1).hasSuffix("5/77 tokens"), grid.rowText(1))
        XCTAssertEqual(grid.rowText(3), "<start> bo  zu   man <end>")
        XCTAssertEqual(grid.rowText(4), "49406   647 4091 786 49407")
    }
}
