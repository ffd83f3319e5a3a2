import Foundation
import XCTest
@testable import CLIPModel

/// The inputs and PyTorch outputs written by tools/make_model_fixtures.py.
struct Reference: Decodable {
    struct Model: Decodable {
        let name: String
        let layout: String
        let dtype: String
        let activation: String
        let pooling: String
        let logit_scale: Float
        let text_embeds: [[Float]]
        let image_embeds: [[Float]]
    }

    let prompts: [String]
    let ids: [[Int32]]
    let image_size: Int
    let images: [[Float]]
    let models: [Model]
    let zero_shot: ZeroShot

    struct ZeroShot: Decodable {
        let model: String
        let labels: [String]
        let templates: [String]
        /// [image][label]
        let cosine: [[Float]]
        let probability: [[Float]]
    }

    static func load() throws -> Reference {
        let data = try Data(contentsOf: fixtureURL("reference.json"))
        return try JSONDecoder().decode(Reference.self, from: data)
    }
}

func fixtureURL(_ relativePath: String) -> URL {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(relativePath)
}

func modelPath(_ name: String) -> String {
    fixtureURL("models").appendingPathComponent(name).path
}

/// max |a - b| / max |b|: the error relative to the reference's largest magnitude.
func relativeMaxAbsError(_ actual: [Float], _ expected: [Float]) -> Float {
    var difference: Float = 0
    var scale: Float = 0
    for (a, b) in zip(actual, expected) {
        difference = max(difference, abs(a - b))
        scale = max(scale, abs(b))
    }
    return difference / max(scale, .leastNormalMagnitude)
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, normA = 0.0, normB = 0.0
    for (x, y) in zip(a, b) {
        dot += Double(x) * Double(y)
        normA += Double(x) * Double(x)
        normB += Double(y) * Double(y)
    }
    return dot / (normA.squareRoot() * normB.squareRoot())
}

/// Indices of `candidates` sorted by cosine with `query`, best first.
func ranking(_ query: [Float], _ candidates: [[Float]]) -> [Int] {
    let scores = candidates.map { cosine(query, $0) }
    return scores.indices.sorted { scores[$0] > scores[$1] }
}

/// Creates a temporary folder that is removed when the test ends.
func temporaryFolder(_ testCase: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("clip-model-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

extension XCTestCase {
    /// Loads `path`, expecting it to fail with a `CheckpointError`, and returns that error.
    func loadError(_ path: String, file: StaticString = #filePath, line: UInt = #line) -> CheckpointError? {
        do {
            _ = try CLIPModel.load(path: path)
            XCTFail("loaded \(path)", file: file, line: line)
            return nil
        } catch {
            XCTAssertTrue(error is CheckpointError, "unexpected error \(error)", file: file, line: line)
            return error as? CheckpointError
        }
    }
}
