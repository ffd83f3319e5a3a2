import CLIPTokenizer
import Foundation
import XCTest
@testable import ExplorerUI

/// A model double for the session's own logic: its "embeddings" are fixed
/// vectors, so the ranking depends only on the labels.
final class FixedModel: ModelService, @unchecked Sendable {
    let summary: ModelSummary
    let tokenizer: TokenizerService

    init(name: String, tokenizer: TokenizerService, note: String?) {
        summary = ModelSummary(name: name, vocabularySize: tokenizer.vocabularySize, contextLength: 77, note: note)
        self.tokenizer = tokenizer
    }

    func encodeImage(path: String) throws -> EncodedImage {
        guard path.hasSuffix(".png") else { throw ExplorerError.unreadable(path: path, reason: "not a PNG") }
        let picture = PreviewImage(width: 2, height: 2, pixels: [UInt8](repeating: 90, count: 12))!
        return EncodedImage(info: ImageFileInfo(path: path, format: "png", width: 2, height: 2, mode: "RGB", exifOrientation: 1, exifRotationApplied: false),
                            crop: picture, whole: picture, embedding: [1, 0])
    }

    func rank(imageEmbedding: [Float], labels: [String], templates: [String]) throws -> [RankedLabel] {
        // Longer labels score higher, so the order is known.
        let scores = labels.map { RankedLabel(label: $0, probability: Float($0.count), cosine: Float($0.count) / 100) }
        let total = scores.reduce(0) { $0 + $1.probability }
        return scores.map { RankedLabel(label: $0.label, probability: $0.probability / total, cosine: $0.cosine) }
            .sorted { $0.probability > $1.probability }
    }

    func cosine(prompt: String, imageEmbedding: [Float]) throws -> Float {
        Float(prompt.count) / 100
    }
}

struct FixedLoader: ModelLoader {
    let tokenizer: TokenizerService

    func load(path: String?) throws -> ModelService {
        if let path, path.hasPrefix("/bad") {
            throw ExplorerError.unreadable(path: path, reason: "no config.json")
        }
        return FixedModel(name: path ?? "fixed", tokenizer: tokenizer, note: path == nil ? "demo" : nil)
    }

    func labelSet(named name: String) -> [String]? {
        name == "imagenet" ? ["tench", "goldfish"] : nil
    }
}

final class SessionTests: XCTestCase {
    var tokenizer: TokenizerService!

    override func setUpWithError() throws {
        tokenizer = CLIPTokenizerService(try CLIPTokenizer.bundled())
    }

    func makeSession(loader: ModelLoader? = nil, historyURL: URL? = nil, themes: ThemeCatalog = ThemeCatalog(folders: [shippedThemesFolder]), theme: String? = nil) -> ExplorerSession {
        ExplorerSession(tokenizer: tokenizer, loader: loader, options: ExplorerOptions(themeName: theme, historyURL: historyURL), themes: themes)
    }

    func type(_ text: String, into session: ExplorerSession) {
        for character in text { _ = session.handle(.character(character)) }
    }

    func testTypingBozumanTokenizes() throws {
        let session = makeSession()
        type("bozuman", into: session)
        let tokenization = try XCTUnwrap(session.state.tokenization)
        XCTAssertEqual(tokenization.pieces.map(\.id), [647, 4091, 786])
        XCTAssertEqual(tokenization.pieces.map(\.bpe), ["bo", "zu", "man</w>"])
        XCTAssertEqual(Array(tokenization.slots.prefix(6)), [49406, 647, 4091, 786, 49407, 0])
        XCTAssertEqual(tokenization.pieces.map(\.source), [0..<2, 2..<4, 4..<7])
        let screen = session.render(width: 80, height: 24, colorEnabled: true).plainText()
        XCTAssertTrue(screen.contains("5/77 tokens"), screen)
    }

    func testInspectorShowsMergesForSelectedToken() throws {
        let session = makeSession()
        type("bozuman", into: session)
        _ = session.handle(.tab)
        XCTAssertEqual(session.state.focus, .chips)
        XCTAssertEqual(session.state.selectedChip, 1)
        _ = session.handle(.right)
        let detail = try XCTUnwrap(session.state.inspector)
        XCTAssertEqual(detail.initialPieces, ["b", "o", "z", "u", "m", "a", "n</w>"])
        XCTAssertEqual(detail.merges.last?.pieces, ["bo", "zu", "man</w>"])
        let grid = session.render(width: 80, height: 30, colorEnabled: true)
        XCTAssertTrue(grid.plainText().contains("id 4091 · piece zu · bytes 7A 75 · ends word: no"), grid.plainText())
        XCTAssertEqual(grid[1, 4].role, .sourceHighlight)
        XCTAssertEqual(grid[1, 3].role, .prompt)
    }

    func testCJKPiecesShowAsCharactersOrHex() throws {
        let session = makeSession()
        type("ヴ", into: session)
        let tokenization = try XCTUnwrap(session.state.tokenization)
        let labels = tokenization.pieces.map { tokenLabel($0, visibleWhitespace: false) }
        XCTAssertEqual(labels.joined().contains("ヴ") || labels.contains { $0.hasPrefix("<E3") }, true, "\(labels)")
        let bytes = tokenization.pieces.flatMap(\.bytes)
        XCTAssertEqual(bytes, Array("ヴ".utf8))
    }

    func testPadIDSwitch() throws {
        let session = makeSession()
        type("bozuman", into: session)
        _ = session.handle(.function(3))
        XCTAssertEqual(session.state.tokenization?.slots.last, 49407)
        XCTAssertEqual(session.state.tokenization?.padID, 49407)
        _ = session.handle(.control("u"))
        type("x", into: session)
        _ = session.handle(.escape)
        XCTAssertEqual(session.state.focus, .chips)
        type(":pad 0", into: session)
        XCTAssertEqual(session.state.focus, .command)
        _ = session.handle(.enter)
        XCTAssertEqual(session.state.padID, 0)
        XCTAssertEqual(session.state.editor.text, "x", "the command did not go into the prompt")
        _ = session.handle(.control("u"))
        for bad in ["-1", "abc", "49408", "2147483647", "2147483648"] {
            _ = session.runCommand("pad \(bad)")
            XCTAssertEqual(session.state.message?.isError, true, bad)
            XCTAssertTrue(session.state.message?.text.contains("invalid pad id '\(bad)'") ?? false, session.state.message?.text ?? "")
            XCTAssertTrue(session.state.message?.text.contains("from 0 to 49407") ?? false, session.state.message?.text ?? "")
        }
        XCTAssertEqual(session.state.padID, 0)
        _ = session.runCommand("pad 49407")
        XCTAssertEqual(session.state.padID, 49407)
    }

    func testCommandsVocabAndID() throws {
        let session = makeSession()
        type(":id 647", into: session)
        _ = session.handle(.enter)
        XCTAssertEqual(session.state.vocabRows, [VocabRow(id: 647, token: "bo")])
        type(":vocab cat", into: session)
        _ = session.handle(.enter)
        XCTAssertFalse(session.state.vocabRows.isEmpty)
        XCTAssertTrue(session.state.vocabRows.allSatisfy { $0.token.contains("cat") })
        XCTAssertTrue(session.state.vocabRows.contains(VocabRow(id: 2368, token: "cat</w>")))
        type(":id -3", into: session)
        _ = session.handle(.enter)
        XCTAssertTrue(session.state.message?.text.hasPrefix(":id: invalid token id '-3'") ?? false, session.state.message?.text ?? "")
        type(":frobnicate", into: session)
        _ = session.handle(.enter)
        XCTAssertEqual(session.state.message?.text, "unknown command ':frobnicate'; press F1 for the list of commands")
    }

    func testMessageStaysUntilNextKey() {
        let session = makeSession()
        type(":nope", into: session)
        _ = session.handle(.enter)
        XCTAssertNotNil(session.state.message)
        _ = session.handle(.resize)
        XCTAssertNotNil(session.state.message, "a resize is not a key press")
        _ = session.handle(.character("a"))
        XCTAssertNil(session.state.message)
    }

    func testLabelAndTemplateValidation() {
        let session = makeSession(loader: FixedLoader(tokenizer: tokenizer))
        XCTAssertThrowsError(try ExplorerSession.parseLabels("a cat, , a dog")) { error in
            XCTAssertEqual(describe(error), ":labels: label 2 is empty; separate labels with commas, as in :labels a cat, a dog")
        }
        XCTAssertThrowsError(try ExplorerSession.parseTemplates("a photo of a {}. | a drawing")) { error in
            XCTAssertTrue(describe(error).contains("template 'a drawing' has no {}"), describe(error))
        }
        XCTAssertEqual(try ExplorerSession.parseTemplates("a {}. | the {}"), ["a {}.", "the {}"])
        XCTAssertThrowsError(try ExplorerSession.parseLabels("a cat, a dog, a cat")) { error in
            XCTAssertTrue(describe(error).contains("'a cat' is listed twice"), describe(error))
        }

        type(":labels @imagenet", into: session)
        _ = session.handle(.enter)
        XCTAssertEqual(session.state.labels, ["tench", "goldfish"])
        type(":label + a cat", into: session)
        _ = session.handle(.enter)
        type(":label - tench", into: session)
        _ = session.handle(.enter)
        XCTAssertEqual(session.state.labels, ["goldfish", "a cat"])
        type(":label - a dog", into: session)
        _ = session.handle(.enter)
        XCTAssertTrue(session.state.message?.text.contains("'a dog' is not a label") ?? false)
    }

    func testLabelsFileCommand() throws {
        let session = makeSession(loader: FixedLoader(tokenizer: tokenizer))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("labels-\(UUID().uuidString).txt")
        try Data([0xEF, 0xBB, 0xBF] + Array("red circle\r\n\r\nblue star\r\n".utf8)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        _ = session.runCommand("labels-file \(file.path)")
        XCTAssertEqual(session.state.labels, ["red circle", "blue star"])
        XCTAssertEqual(session.state.message?.text, "2 labels from \(file.path)")

        _ = session.runCommand("labels-file /no/such/labels.txt")
        XCTAssertEqual(session.state.message?.isError, true)
        XCTAssertTrue(session.state.message?.text.contains("'/no/such/labels.txt' was not found") ?? false,
                      session.state.message?.text ?? "")
        XCTAssertEqual(session.state.labels, ["red circle", "blue star"], "a failed read keeps the labels")

        _ = session.runCommand("labels-file")
        XCTAssertTrue(session.state.message?.text.contains("as in :labels-file Examples/demo-labels.txt") ?? false,
                      session.state.message?.text ?? "")
    }

    func testModelLoadsInBackgroundAndRanks() throws {
        let session = makeSession(loader: FixedLoader(tokenizer: tokenizer))
        XCTAssertEqual(session.state.model, .loading(path: "default"))
        type("bozuman", into: session)
        XCTAssertNotNil(session.state.tokenization, "tokenization works before the model is ready")
        XCTAssertTrue(session.waitForBackgroundWork(timeout: 10))
        XCTAssertEqual(session.state.model, .ready(ModelSummary(name: "fixed", vocabularySize: 49408, contextLength: 77, note: "demo")))
        XCTAssertEqual(session.state.message?.text, "model fixed: demo")

        _ = session.handle(.control("u"))
        type(":labels a cat, a big dog", into: session)
        _ = session.handle(.enter)
        type(":image /x/pet.png", into: session)
        _ = session.handle(.enter)
        XCTAssertTrue(session.waitForBackgroundWork(timeout: 10))
        XCTAssertEqual(session.state.image?.ranking.map(\.label), ["a big dog", "a cat"])

        type("bozuman", into: session)
        XCTAssertTrue(session.waitForBackgroundWork(timeout: 10))
        XCTAssertEqual(session.state.image?.scoredPrompt, "bozuman")
        XCTAssertEqual(session.state.image?.promptCosine, 0.07)
    }

    func testFailedModelSwitchKeepsWorkingModel() throws {
        let session = makeSession(loader: FixedLoader(tokenizer: tokenizer))
        XCTAssertTrue(session.waitForBackgroundWork(timeout: 10))
        type(":model /bad/model", into: session)
        _ = session.handle(.enter)
        XCTAssertTrue(session.waitForBackgroundWork(timeout: 10))
        XCTAssertEqual(session.state.model, .ready(ModelSummary(name: "fixed", vocabularySize: 49408, contextLength: 77, note: "demo")))
        XCTAssertEqual(session.state.message?.text, "model not switched: cannot read /bad/model: no config.json")
    }

    func testUnreadableImageShowsError() throws {
        let session = makeSession(loader: FixedLoader(tokenizer: tokenizer))
        XCTAssertTrue(session.waitForBackgroundWork(timeout: 10))
        type(":image /x/notes.txt", into: session)
        _ = session.handle(.enter)
        XCTAssertTrue(session.waitForBackgroundWork(timeout: 10))
        XCTAssertEqual(session.state.message, StatusMessage("cannot read /x/notes.txt: not a PNG", isError: true))
        XCTAssertNil(session.state.image)
    }

    func testHistoryIsSavedOnEnter() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("state/clip-explorer/history")
        let session = makeSession(historyURL: url)
        type("a photo of a cat", into: session)
        _ = session.handle(.enter)
        _ = session.handle(.control("u"))
        type("bozuman", into: session)
        _ = session.handle(.enter)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "a photo of a cat\nbozuman\n")

        let second = makeSession(historyURL: url)
        _ = second.handle(.up)
        XCTAssertEqual(second.state.editor.text, "bozuman")
        _ = second.handle(.up)
        XCTAssertEqual(second.state.editor.text, "a photo of a cat")
    }

    func testSaveWritesJSON() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = makeSession()
        type("bozuman", into: session)
        _ = session.handle(.control("u"))
        _ = session.handle(.character(":"))
        XCTAssertEqual(session.state.focus, .command)
        _ = session.handle(.escape)
        setPromptAndSave(session, path: folder.appendingPathComponent("out.json").path)
        let data = try Data(contentsOf: folder.appendingPathComponent("out.json"))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["prompt"] as? String, "bozuman")
        XCTAssertEqual(object["ids"] as? [Int], [647, 4091, 786])
        XCTAssertEqual((object["input_ids"] as? [Int])?.count, 77)
        XCTAssertEqual(object["length"] as? Int, 5)
    }

    private func setPromptAndSave(_ session: ExplorerSession, path: String) {
        session.setPrompt("bozuman")
        _ = session.runCommand("save \(path)")
    }

    func testBadThemeReportsEveryLineAndFallsBack() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "text = nope\nbar = #12\nspinner = red\n".write(to: folder.appendingPathComponent("mine.theme"), atomically: true, encoding: .utf8)
        let session = makeSession(themes: ThemeCatalog(folders: [folder.path, shippedThemesFolder]), theme: "mine")
        let message = try XCTUnwrap(session.state.message)
        XCTAssertTrue(message.isError)
        XCTAssertTrue(message.text.hasPrefix("invalid theme lines 1, 2 in \(folder.path)/mine.theme"), message.text)
        XCTAssertTrue(message.text.contains("line 1: key 'text'"), message.text)
        XCTAssertTrue(message.text.contains("line 2: key 'bar'"), message.text)
        XCTAssertEqual(session.theme.color(.spinner), .indexed(1))
        XCTAssertEqual(session.theme.color(.text), defaultThemeColors[.text])
        XCTAssertEqual(session.state.themeName, "mine")

        _ = session.runCommand("theme absent")
        XCTAssertTrue(session.state.message?.text.hasSuffix("; keeping theme mine") ?? false, session.state.message?.text ?? "")
    }
}

extension SessionTests {
    func testVocabShowsOnEmptyPrompt() throws {
        let session = makeSession()
        type(":vocab cat", into: session)
        _ = session.handle(.enter)
        XCTAssertTrue(session.state.editor.text.isEmpty)

        let text = session.render(width: 100, height: 30, colorEnabled: false).plainText()
        XCTAssertTrue(text.contains("Tokens containing \"cat\""), text)
        XCTAssertTrue(text.contains("2368"), text)
    }

    func testIDShowsOnEmptyPrompt() throws {
        let session = makeSession()
        type(":id 647", into: session)
        _ = session.handle(.enter)

        let grid = session.render(width: 40, height: 12, colorEnabled: false)
        XCTAssertTrue(grid.plainText().contains("Token 647"), grid.plainText())
        XCTAssertTrue(grid.plainText().contains("647    bo"), grid.plainText())
    }
}
