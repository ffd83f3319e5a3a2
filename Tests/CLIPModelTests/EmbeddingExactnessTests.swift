import XCTest
@testable import CLIPModel

/// Every fixture checkpoint against the PyTorch embeddings of the same weights.
final class EmbeddingExactnessTests: XCTestCase {
    static let tolerance: Float = 1e-4
    static let minimumCosine = 0.999999

    func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let reference = try Reference.load()
        let expected = try XCTUnwrap(reference.models.first { $0.name == name }, "no reference for \(name)")
        let model = try CLIPModel.load(path: modelPath(name))

        XCTAssertEqual(model.logitScale, expected.logit_scale, accuracy: expected.logit_scale * 1e-6, "\(name) logit scale")

        let text = try model.encodeText(ids: reference.ids)
        XCTAssertEqual(text.count, expected.text_embeds.count)
        for (index, (ours, theirs)) in zip(text, expected.text_embeds).enumerated() {
            XCTAssertEqual(ours.count, theirs.count, "\(name) prompt \(index) width", file: file, line: line)
            let error = relativeMaxAbsError(ours, theirs)
            XCTAssertLessThanOrEqual(error, Self.tolerance, "\(name) prompt \(index) relative error", file: file, line: line)
            XCTAssertGreaterThan(cosine(ours, theirs), Self.minimumCosine, "\(name) prompt \(index) cosine", file: file, line: line)
        }

        let images = try model.encodeImages(reference.images)
        XCTAssertEqual(images.count, expected.image_embeds.count)
        for (index, (ours, theirs)) in zip(images, expected.image_embeds).enumerated() {
            let error = relativeMaxAbsError(ours, theirs)
            XCTAssertLessThanOrEqual(error, Self.tolerance, "\(name) image \(index) relative error", file: file, line: line)
            XCTAssertGreaterThan(cosine(ours, theirs), Self.minimumCosine, "\(name) image \(index) cosine", file: file, line: line)
        }

        // Zero-shot ranking of the prompts for each image must match PyTorch's.
        for (index, (ours, theirs)) in zip(images, expected.image_embeds).enumerated() {
            XCTAssertEqual(ranking(ours, text), ranking(theirs, expected.text_embeds), "\(name) image \(index) ranking", file: file, line: line)
        }
    }

    func testHuggingFaceF32QuickGELU() throws {
        try check("hf-f32-quickgelu")
    }

    func testHuggingFaceShardedF16GELU() throws {
        try check("hf-sharded-f16-gelu")
    }

    func testHuggingFaceTorchBinF16() throws {
        try check("hf-torch-f16-gelu")
    }

    func testSentenceTransformersBF16() throws {
        try check("st-bf16-quickgelu")
    }

    func testOpenCLIPHubF16GELU() throws {
        try check("openclip-f16-gelu")
    }

    func testBareOpenAISafetensorsBF16() throws {
        try check("openai-bf16-bare.safetensors")
    }

    func testTextFromStringsUsesBundledTokenizer() throws {
        let reference = try Reference.load()
        let expected = try XCTUnwrap(reference.models.first { $0.name == "openclip-f16-gelu" })
        let model = try CLIPModel.load(path: modelPath("openclip-f16-gelu"))
        let embeddings = try model.encodeText(reference.prompts)
        for (index, (ours, theirs)) in zip(embeddings, expected.text_embeds).enumerated() {
            XCTAssertLessThanOrEqual(relativeMaxAbsError(ours, theirs), Self.tolerance, "prompt \(index): \(reference.prompts[index])")
        }
    }

    func testBatchMatchesSingleEncodes() throws {
        let reference = try Reference.load()
        let model = try CLIPModel.load(path: modelPath("hf-f32-quickgelu"))
        let batch = try model.encodeText(ids: reference.ids)
        for (index, ids) in reference.ids.enumerated() {
            let single = try model.encodeText(ids: [ids])[0]
            XCTAssertLessThanOrEqual(relativeMaxAbsError(single, batch[index]), 1e-6, "prompt \(index)")
        }
        let images = try model.encodeImages(reference.images)
        let single = try model.encodeImages([reference.images[1]])[0]
        XCTAssertLessThanOrEqual(relativeMaxAbsError(single, images[1]), 1e-6)
    }
}
