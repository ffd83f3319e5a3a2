import Foundation
import XCTest
@testable import CLIPModel

final class NonFiniteWeightsTests: XCTestCase {
    /// Copies the tiny HF fixture with one tensor's values replaced by `value`.
    func modelWith(_ tensorName: String, setTo value: Float) throws -> URL {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/models/hf-f32-quickgelu")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nan-model-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixture, to: folder)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }

        let weights = folder.appendingPathComponent("model.safetensors")
        let file = try SafetensorsFile(path: weights.path)
        var tensors: [SafetensorsWriter.Tensor] = []
        for (name, info) in file.tensors.sorted(by: { $0.key < $1.key }) {
            let values = name == tensorName ? [Float](repeating: value, count: info.shape.reduce(1, *)) : try file.floats(name)
            tensors.append(SafetensorsWriter.Tensor(name: name, shape: info.shape, values: values))
        }
        XCTAssertTrue(tensors.contains { $0.name == tensorName }, "\(tensorName) is not in the fixture")
        try FileManager.default.removeItem(at: weights)
        try SafetensorsWriter.write(tensors, to: weights)
        return folder
    }

    func testNaNVisionWeightsRejectedAtEncoding() throws {
        let model = try CLIPModel.load(path: try modelWith("visual_projection.weight", setTo: .nan).path)
        let size = model.preprocessConfig.cropSize
        XCTAssertNoThrow(try model.encodeText(["a cat"]), "the text tower is intact")
        XCTAssertThrowsError(try model.encodeImages([[Float](repeating: 0, count: 3 * size * size)])) { error in
            XCTAssertEqual(error as? EncodingError, .nonFiniteEmbedding(model: model.name, tower: "vision", index: 0))
            XCTAssertTrue(error.localizedDescription.contains("NaN or infinite"), error.localizedDescription)
        }
    }

    func testInfiniteTextWeightsRejectedAtEncoding() throws {
        let model = try CLIPModel.load(path: try modelWith("text_projection.weight", setTo: .infinity).path)
        XCTAssertThrowsError(try model.encodeText(["a cat", "a dog"])) { error in
            XCTAssertEqual(error as? EncodingError, .nonFiniteEmbedding(model: model.name, tower: "text", index: 0))
        }
    }
}
