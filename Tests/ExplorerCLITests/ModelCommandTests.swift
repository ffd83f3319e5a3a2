import Foundation
import XCTest
@testable import ExplorerCLI

/// embed and classify run as a user would, on the CLIPModelTests fixture model and images.
final class ModelCommandTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("CLIPModelTests/Fixtures")
    static let model = fixtures.appendingPathComponent("models/hf-f32-quickgelu").path
    static let images = fixtures.appendingPathComponent("images")

    struct Run {
        let status: Int32
        let output: String
        let errors: String
    }

    func run(_ arguments: [String]) -> Run {
        let result = runProgram(arguments)
        return Run(status: result.status, output: result.out, errors: result.err)
    }

    func image(_ name: String) -> String { Self.images.appendingPathComponent(name).path }

    struct ImageReference: Decodable {
        struct Files: Decodable {
            let files: [String]
            let image_embeds: [[Float]]
        }
        let image_files: Files
    }

    func testEmbedJSONMatchesPyTorch() throws {
        let result = run(["embed", "--model", Self.model, "--text", "a cat", "--text", "two dogs",
                          "--image", image("gradient.png"), "--image", image("rings.png"), "--json"])
        XCTAssertEqual(result.status, 0, result.errors)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        XCTAssertEqual(object["model"] as? String, "hf-f32-quickgelu")
        let texts = try XCTUnwrap(object["text_embeds"] as? [[Double]])
        XCTAssertEqual(texts.count, 2)
        XCTAssertEqual(texts[0].count, 24)

        // Image files go through the image layer's PIL-exact preprocessing first.
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("reference.json"))
        let expected = try JSONDecoder().decode(ImageReference.self, from: data).image_files
        let images = try XCTUnwrap(object["image_embeds"] as? [[Double]])
        XCTAssertEqual(images.count, 2)
        for (index, (ours, theirs)) in zip(images, expected.image_embeds).enumerated() {
            let scale = theirs.map { abs(Double($0)) }.max() ?? 1
            let error = zip(ours, theirs).map { abs($0 - Double($1)) }.max() ?? 0
            XCTAssertLessThanOrEqual(error / scale, 1e-4, "\(expected.files[index]) relative error")
        }
    }

    func testEmbedNormalizeGivesUnitVectors() {
        let result = run(["embed", "--model", Self.model, "--text", "a cat", "--normalize"])
        XCTAssertEqual(result.status, 0, result.errors)
        XCTAssertTrue(result.output.hasPrefix("text\t\"a cat\"\t"), result.output)
        let values = result.output.split(separator: "\t").last?.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? []
        XCTAssertEqual(values.count, 24)
        XCTAssertEqual(values.map { $0 * $0 }.reduce(0, +), 1, accuracy: 1e-5)
    }

    func testEmbedUsageErrors() {
        XCTAssertEqual(run(["embed", "--model", Self.model]).status, 2)
        XCTAssertEqual(run(["embed", "--model", Self.model, "stray"]).status, 2)
        XCTAssertEqual(run(["embed", "--model", Self.model, "--text", "a", "--threads", "0"]).status, 2)
        let missing = run(["embed", "--model", Self.model, "--image", image("absent.png")])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.errors.contains("absent.png"), missing.errors)
    }

    func testEmbedUsesEnvironmentModel() {
        setenv("CLIP_EXPLORER_MODEL", Self.model, 1)
        defer { unsetenv("CLIP_EXPLORER_MODEL") }
        let result = run(["embed", "--text", "a cat", "--json"])
        XCTAssertEqual(result.status, 0, result.errors)
        XCTAssertTrue(result.output.hasPrefix("{\"model\":\"hf-f32-quickgelu\""), result.output)
    }

    func testEmbedBadModelExitsOne() {
        let result = run(["embed", "--model", Self.images.path, "--text", "a"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.errors.contains("looked for"), result.errors)
    }

    func testFolderListingSkipsSubfolders() throws {
        let folder = NSTemporaryDirectory() + "classify-list-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/shots.jpg", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["b.PNG", "a.jpg", "notes.txt"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/" + name, contents: Data()))
        }

        let inputs = Program.listInputs([folder])
        XCTAssertEqual(inputs.map { ($0.path as NSString).lastPathComponent }, ["a.jpg", "b.PNG"])
        XCTAssertTrue(inputs.allSatisfy { $0.error == nil })
    }

    func testClassifyJSONLinesWithError() throws {
        let result = run(["classify", "--model", Self.model, "--labels", "cat, dog,car", "--top", "2", "--json", "--no-progress",
                          Self.images.path])
        XCTAssertEqual(result.status, 1, "one image in the folder is not an image")
        let lines = result.output.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        let objects = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(objects.map { ($0["image"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } },
                       ["gradient.png", "not-an-image.png", "rings.png"])
        XCTAssertNotNil(objects[1]["error"] as? String)
        let results = try XCTUnwrap(objects[0]["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, 2)
        let first = try XCTUnwrap(results[0]["cosine"] as? Double)
        let second = try XCTUnwrap(results[1]["cosine"] as? Double)
        XCTAssertGreaterThanOrEqual(first, second, "results are sorted best first")
        XCTAssertNotNil(results[0]["probability"] as? Double)
    }

    func testClassifyCSVRows() {
        let result = run(["classify", "--model", Self.model, "--labels", "cat,\"quoted\" label", "--csv", "--top", "5",
                          image("gradient.png")])
        XCTAssertEqual(result.status, 0, result.errors)
        let lines = result.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "image,rank,label,probability,cosine")
        XCTAssertEqual(lines.count, 3, "one row per label, capped by the label count")
        XCTAssertTrue(lines.contains { $0.contains(",\"\"\"quoted\"\" label\",") }, result.output)
    }

    func testClassifyProbabilitiesMatchLibrary() throws {
        let result = run(["classify", "--model", Self.model, "--labels", "red,green,blue", "--template", "a {} image.",
                          "--template", "the color {}.", "--scores", "cosine", image("rings.png")])
        XCTAssertEqual(result.status, 0, result.errors)
        let lines = result.output.split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
        XCTAssertTrue(lines[0].hasSuffix("rings.png"))
    }

    func testClassifyUsageErrors() {
        let image = image("gradient.png")
        XCTAssertEqual(run(["classify", "--model", Self.model, image]).status, 2, "no labels")
        XCTAssertEqual(run(["classify", "--model", Self.model, "--labels", "a", "--labels-file", "x", image]).status, 2)
        XCTAssertEqual(run(["classify", "--model", Self.model, "--labels", "a,,b", image]).status, 2)
        XCTAssertEqual(run(["classify", "--model", Self.model, "--labels", "a", "--json", "--csv", image]).status, 2)
        XCTAssertEqual(run(["classify", "--model", Self.model, "--labels", "a", "--template", "no slot", image]).status, 2)
        XCTAssertEqual(run(["classify", "--model", Self.model, "--labels", "a", "--scores", "logits", image]).status, 2)
        XCTAssertEqual(run(["classify", "--model", Self.model, "--labels", "a", "--top", "0", image]).status, 2)
        XCTAssertEqual(run(["classify", "--model", Self.model, "--labels", "a"]).status, 2, "no images")
        let repeated = run(["classify", "--model", Self.model, "--labels", "a,b,a", image])
        XCTAssertEqual(repeated.status, 2)
        XCTAssertTrue(repeated.errors.contains("label 'a' appears more than once"), repeated.errors)
        let unknownSet = run(["classify", "--model", Self.model, "--labels", "@imagenett", image])
        XCTAssertEqual(unknownSet.status, 2)
        XCTAssertTrue(unknownSet.errors.contains("unknown label set '@imagenett'"), unknownSet.errors)
        XCTAssertEqual(run(["classify", "--model", Self.model, "--labels", "@home,@work", "--no-progress", image]).status, 0,
                       "labels that start with @ are fine in a list")
        XCTAssertEqual(run(["classify", "--model", Self.model, "--labels-file", "/nonexistent/labels.txt", image]).status, 2)
    }

    func testClassifyEmptyFolderReported() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let result = run(["classify", "--model", Self.model, "--labels", "a,b", empty.path, image("rings.png")])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.errors.contains("the folder has no .jpg, .jpeg, .png or .webp files"), result.errors)
        XCTAssertTrue(result.output.contains("rings.png"), "the other input is still classified")
    }

    /// A JPEG whose end-of-image marker is missing: libjpeg-turbo decodes all
    /// of it and warns about the premature end.
    static let jpegWithoutEnd = fixtures.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CLIPImageTests/Fixtures/images/damaged_no_eoi.jpg").path

    func testClassifyWarnsOnDamagedJPEG() {
        let path = Self.jpegWithoutEnd
        let result = run(["classify", "--model", Self.model, "--labels", "a,b", "--csv", "--no-progress", path])
        XCTAssertEqual(result.status, 0, result.errors)
        XCTAssertTrue(result.errors.contains("classify: warning: \(path): "), result.errors)
        XCTAssertEqual(result.output.split(separator: "\n").count, 3, "the damaged image is still classified")
    }

    func testEmbedWarnsOnDamagedJPEG() {
        let path = Self.jpegWithoutEnd
        let result = run(["embed", "--model", Self.model, "--image", path, "--json"])
        XCTAssertEqual(result.status, 0, result.errors)
        XCTAssertTrue(result.errors.contains("embed: warning: \(path): "), result.errors)
        XCTAssertTrue(result.output.contains("\"image_embeds\":[["), result.output)
    }

    func testClassifyLabelsFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("labels-\(UUID().uuidString).txt")
        try "cat\n\n  dog  \r\ncar\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = run(["classify", "--model", Self.model, "--labels-file", file.path, "--json", image("gradient.png")])
        XCTAssertEqual(result.status, 0, result.errors)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let labels = (object["results"] as? [[String: Any]])?.compactMap { $0["label"] as? String } ?? []
        XCTAssertEqual(Set(labels), ["cat", "dog", "car"])
    }

    func testClassifyLabelsFileNotUTF8() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("labels-\(UUID().uuidString).txt")
        try Data([0x63, 0x61, 0x74, 0x0A, 0xE9, 0x74, 0xE9, 0x0A]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = run(["classify", "--model", Self.model, "--labels-file", file.path, image("gradient.png")])
        XCTAssertEqual(result.status, 2, result.output)
        XCTAssertTrue(result.errors.contains("is not valid UTF-8 (line 2)"), result.errors)
    }

    func testHelpListsOptions() {
        let result = run(["classify", "--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("--labels-file FILE"))
        XCTAssertTrue(result.output.contains("--scores KIND"))
    }
}

final class ProgressBarTests: XCTestCase {
    func testDrawsAndClearsOnStandardError() {
        var errors = ""
        var output = CommandOutput(standardOutput: { _ in XCTFail("progress went to standard output") }, standardError: { errors += $0 })
        var bar = ProgressBar(total: 3, enabled: true)
        bar.draw(done: 1, &output)
        XCTAssertEqual(errors, "\r\u{1B}[K[" + String(repeating: "#", count: 10) + String(repeating: "-", count: 20) + "] 1/3 images")
        errors = ""
        bar.clear(&output)
        XCTAssertEqual(errors, "\r\u{1B}[K")
        errors = ""
        bar.draw(done: 3, &output)
        XCTAssertEqual(errors, "", "a finished bar is not drawn")
    }

    func testDisabledForOneImage() {
        var errors = ""
        var output = CommandOutput(standardOutput: { _ in }, standardError: { errors += $0 })
        var bar = ProgressBar(total: 1, enabled: true)
        bar.draw(done: 0, &output)
        bar.clear(&output)
        XCTAssertEqual(errors, "")
    }
}
