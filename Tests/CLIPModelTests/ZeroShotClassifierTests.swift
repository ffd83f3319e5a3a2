import XCTest
@testable import CLIPModel

final class ZeroShotClassifierTests: XCTestCase {
    func testEnsembledScoresMatchPyTorch() throws {
        let reference = try Reference.load()
        let expected = reference.zero_shot
        let model = try CLIPModel.load(path: modelPath(expected.model))
        let classifier = try ZeroShotClassifier(model: model, labels: expected.labels, templates: expected.templates)
        let images = try model.encodeImages(reference.images)

        for (index, image) in images.enumerated() {
            let scores = classifier.scores(imageEmbedding: image)
            XCTAssertEqual(scores.map(\.label), expected.labels)
            for (label, score) in scores.enumerated() {
                XCTAssertEqual(score.cosine, expected.cosine[index][label], accuracy: 1e-5, "image \(index) label \(score.label) cosine")
                XCTAssertEqual(score.probability, expected.probability[index][label], accuracy: 1e-5, "image \(index) label \(score.label) probability")
            }

            let ranked = classifier.rank(imageEmbedding: image).map(\.label)
            let expectedOrder = expected.labels.indices.sorted { expected.cosine[index][$0] > expected.cosine[index][$1] }.map { expected.labels[$0] }
            XCTAssertEqual(ranked, expectedOrder, "image \(index) ranking")
        }
    }

    func testProbabilitiesSumToOne() throws {
        let reference = try Reference.load()
        let model = try CLIPModel.load(path: modelPath("hf-f32-quickgelu"))
        let classifier = try ZeroShotClassifier(model: model, labels: ["a", "b", "c"], templates: [])
        XCTAssertEqual(classifier.templates, ["a photo of a {}."])
        let scores = classifier.rank(imageEmbedding: try model.encodeImages([reference.images[0]])[0])
        XCTAssertEqual(scores.map(\.probability).reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertTrue(zip(scores, scores.dropFirst()).allSatisfy { $0.cosine >= $1.cosine })
    }

    func testLabelEmbeddingsCached() throws {
        let model = try CLIPModel.load(path: modelPath("hf-f32-quickgelu"))
        let first = try ZeroShotClassifier(model: model, labels: ["cat", "dog"], templates: ["a {}."])
        XCTAssertEqual(model.labelCache.count, 1)
        let second = try ZeroShotClassifier(model: model, labels: ["cat", "dog"], templates: ["a {}."])
        XCTAssertEqual(model.labelCache.count, 1)
        XCTAssertEqual(first.labelEmbeddings, second.labelEmbeddings)
        _ = try ZeroShotClassifier(model: model, labels: ["cat"], templates: ["a {}."])
        XCTAssertEqual(model.labelCache.count, 2)
    }

    func testSingleTemplateEmbeddingIsNormalizedTextEmbedding() throws {
        let model = try CLIPModel.load(path: modelPath("hf-f32-quickgelu"))
        let classifier = try ZeroShotClassifier(model: model, labels: ["cat"], templates: ["a photo of a {}."])
        let direct = normalized(try model.encodeText(["a photo of a cat."])[0])
        XCTAssertLessThanOrEqual(relativeMaxAbsError(classifier.labelEmbeddings[0], direct), 1e-6)
    }

    func testProgressReportsEveryBatch() throws {
        let model = try CLIPModel.load(path: modelPath("hf-f32-quickgelu"))
        let labels = (0..<300).map { "thing \($0)" }
        var reports: [(Int, Int)] = []
        _ = try ZeroShotClassifier(model: model, labels: labels, templates: ["a {}."]) { reports.append(($0, $1)) }
        XCTAssertEqual(reports.map(\.0), [CLIPModel.labelBatchSize, 300])
        XCTAssertEqual(reports.map(\.1), [300, 300])
    }

    func testInvalidLabelsAndTemplatesRejected() throws {
        let model = try CLIPModel.load(path: modelPath("hf-f32-quickgelu"))
        XCTAssertThrowsError(try ZeroShotClassifier(model: model, labels: [], templates: [])) { error in
            XCTAssertEqual(error as? CheckpointError, .invalidLabels(reason: "the label set is empty"))
        }
        XCTAssertThrowsError(try ZeroShotClassifier(model: model, labels: ["a", " "], templates: [])) { error in
            XCTAssertEqual(error as? CheckpointError, .invalidLabels(reason: "label 2 is empty"))
        }
        XCTAssertThrowsError(try ZeroShotClassifier(model: model, labels: ["a"], templates: ["a photo"])) { error in
            XCTAssertEqual(error as? CheckpointError, .invalidTemplate(template: "a photo"))
        }
    }
}

final class ImageNetLabelsTests: XCTestCase {
    func testBuiltInLabelSet() throws {
        let names = try ImageNetLabels.classNames()
        XCTAssertEqual(names.count, 1000)
        XCTAssertEqual(names.first, "tench")
        XCTAssertEqual(names.last, "toilet paper")
        // OpenAI's list names two pairs of classes alike: "missile" and "sunglasses".
        XCTAssertEqual(Set(names).count, 998)
        let templates = try ImageNetLabels.templates()
        XCTAssertEqual(templates.count, 80)
        XCTAssertEqual(templates.first, "a bad photo of a {}.")
        XCTAssertTrue(templates.allSatisfy { $0.contains("{}") })
    }
}
