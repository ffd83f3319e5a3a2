import CLIPModel
import CLIPTokenizer
import Foundation
import XCTest
@testable import ExplorerUI

/// The explorer's adapters over the real model and image layers, with the
/// tiny fixture checkpoints the model layer's tests use.
final class CLIPModelServiceTests: XCTestCase {
    let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    var modelPath: String { testsFolder.appendingPathComponent("CLIPModelTests/Fixtures/models/hf-f32-quickgelu").path }
    var imagesFolder: URL { testsFolder.appendingPathComponent("CLIPImageTests/Fixtures/images") }

    func testEncodeImageReportsFileFacts() throws {
        let service = CLIPModelService(try CLIPModel.load(path: modelPath))
        // Pillow: 61x40 pixels, EXIF orientation 6, 40x61 after exif_transpose.
        let encoded = try service.encodeImage(path: imagesFolder.appendingPathComponent("jpeg_exif_6.jpg").path)
        XCTAssertEqual(encoded.info.format, "JPEG")
        XCTAssertEqual(encoded.info.width, 40)
        XCTAssertEqual(encoded.info.height, 61)
        XCTAssertEqual(encoded.info.exifOrientation, 6)
        XCTAssertTrue(encoded.info.exifRotationApplied)
        XCTAssertEqual(encoded.crop.width, 32, "the fixture's preprocessor crops to 32")
        XCTAssertEqual(encoded.crop.height, 32)
        XCTAssertEqual(encoded.embedding.count, service.model.config.projectionDim)
    }

    func testRankAndCosine() throws {
        let service = CLIPModelService(try CLIPModel.load(path: modelPath))
        let encoded = try service.encodeImage(path: imagesFolder.appendingPathComponent("png_palette8.png").path)
        let ranking = try service.rank(imageEmbedding: encoded.embedding, labels: ["cat", "dog", "car"], templates: ["a photo of a {}."])
        XCTAssertEqual(Set(ranking.map(\.label)), ["cat", "dog", "car"])
        XCTAssertEqual(ranking.map(\.probability).reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertEqual(ranking.map(\.cosine), ranking.map(\.cosine).sorted(by: >), "best first")
        let cosine = try service.cosine(prompt: "a photo of a cat.", imageEmbedding: encoded.embedding)
        XCTAssertEqual(cosine, ranking.first { $0.label == "cat" }?.cosine ?? .nan, accuracy: 1e-4,
                       "one template with one label is the prompt itself")
    }

    func testTruncatedImageIsAnError() throws {
        let service = CLIPModelService(try CLIPModel.load(path: modelPath))
        XCTAssertThrowsError(try service.encodeImage(path: imagesFolder.appendingPathComponent("bad_text.jpg").path))
    }

    func testImageNetLabelSet() throws {
        let labels = try XCTUnwrap(CLIPModelLoader().labelSet(named: "imagenet"))
        XCTAssertEqual(labels.count, 1000)
        XCTAssertEqual(Array(labels.prefix(3)), ["tench", "goldfish", "great white shark"])
        XCTAssertNil(CLIPModelLoader().labelSet(named: "cifar"))
    }

    func testFailedSwitchKeepsRealModel() throws {
        let tokenizer = CLIPTokenizerService(try CLIPTokenizer.bundled())
        let session = ExplorerSession(tokenizer: tokenizer, loader: CLIPModelLoader(), options: ExplorerOptions(modelPath: modelPath, historyURL: nil),
                                      themes: ThemeCatalog(folders: []))
        XCTAssertTrue(session.waitForBackgroundWork(timeout: 60))
        guard case .ready(let summary) = session.state.model else {
            return XCTFail("model not ready: \(session.state.model)")
        }
        XCTAssertEqual(summary.name, "hf-f32-quickgelu")
        XCTAssertNil(summary.note, "a model given by path is not the demo")

        let missing = testsFolder.appendingPathComponent("no-such-model").path
        _ = session.runCommand("model \(missing)")
        XCTAssertTrue(session.waitForBackgroundWork(timeout: 60))
        XCTAssertEqual(session.state.model, .ready(summary))
        let message = try XCTUnwrap(session.state.message)
        XCTAssertTrue(message.isError)
        XCTAssertTrue(message.text.hasPrefix("model not switched: "), message.text)
        XCTAssertTrue(message.text.contains("no-such-model"), message.text)
    }
}
