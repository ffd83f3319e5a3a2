import Foundation
import XCTest
@testable import CLIPModel

/// Finding the demo model folder, on a scratch directory tree built per test.
final class DefaultModelTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("default-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    /// Creates `relative`/Models/clip-demo-shapes/config.json under the scratch root.
    func makeDemoFolder(under relative: String) throws -> String {
        let folder = root.appendingPathComponent(relative).appendingPathComponent("Models/clip-demo-shapes")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: folder.appendingPathComponent("config.json"))
        return folder.path
    }

    func testFindsRepositoryThreeLevelsAboveBuildBinary() throws {
        let expected = try makeDemoFolder(under: "repo")
        let binary = root.appendingPathComponent("repo/.build/x86_64-unknown-linux-gnu/debug/clip-explorer").path
        let found = try DefaultModel.locate(environment: [:], executablePath: binary,
                                            currentDirectory: root.appendingPathComponent("elsewhere").path)
        XCTAssertEqual(found, expected)
    }

    func testResolvesSymlinkedBinary() throws {
        let expected = try makeDemoFolder(under: "repo")
        let buildFolder = root.appendingPathComponent("repo/.build/x86_64-unknown-linux-gnu/release")
        try FileManager.default.createDirectory(at: buildFolder, withIntermediateDirectories: true)
        let binary = buildFolder.appendingPathComponent("clip-explorer")
        try Data().write(to: binary)
        let link = root.appendingPathComponent("bin/clip-explorer")
        try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: binary)

        let found = try DefaultModel.locate(environment: [:], executablePath: link.path,
                                            currentDirectory: root.path + "/nowhere")
        XCTAssertEqual(URL(fileURLWithPath: found).resolvingSymlinksInPath().path,
                       URL(fileURLWithPath: expected).resolvingSymlinksInPath().path)
    }

    func testFallsBackToWorkingDirectory() throws {
        let expected = try makeDemoFolder(under: "checkout")
        let found = try DefaultModel.locate(environment: [:], executablePath: "/usr/local/bin/clip-explorer",
                                            currentDirectory: root.appendingPathComponent("checkout").path)
        XCTAssertEqual(found, expected)
    }

    func testEnvironmentOverrideReplacesSearch() throws {
        _ = try makeDemoFolder(under: "repo")
        let override = try makeDemoFolder(under: "custom")
        let environment = [DefaultModel.environmentVariable: override]
        let found = try DefaultModel.locate(environment: environment, executablePath: nil,
                                            currentDirectory: root.appendingPathComponent("repo").path)
        XCTAssertEqual(found, override)
    }

    func testMissingModelErrorListsFolders() throws {
        let workingDirectory = root.appendingPathComponent("empty").path
        XCTAssertThrowsError(try DefaultModel.locate(environment: [:], executablePath: nil,
                                                     currentDirectory: workingDirectory)) { error in
            let message = (error as? LocalizedError)?.errorDescription ?? ""
            XCTAssertTrue(message.contains(workingDirectory + "/Models/clip-demo-shapes"), message)
            XCTAssertTrue(message.contains("--model"), message)
            XCTAssertTrue(message.contains(DefaultModel.environmentVariable), message)
        }
    }

    func testMissingOverrideIsNotSearchedPast() throws {
        _ = try makeDemoFolder(under: "repo")
        let environment = [DefaultModel.environmentVariable: root.appendingPathComponent("typo").path]
        XCTAssertThrowsError(try DefaultModel.locate(environment: environment, executablePath: nil,
                                                     currentDirectory: root.appendingPathComponent("repo").path))
    }

    func testResolvePrefersExplicitThenEnvironment() throws {
        let demo = try makeDemoFolder(under: "repo")
        let cwd = root.appendingPathComponent("repo").path

        let explicit = try DefaultModel.resolve(explicit: root.path, environment: [:],
                                                executablePath: nil, currentDirectory: cwd)
        XCTAssertEqual(explicit, ModelChoice(path: root.path, isDemo: false))

        let named = try DefaultModel.resolve(explicit: nil, environment: [CLIPModel.modelEnvironmentVariable: root.path],
                                             executablePath: nil, currentDirectory: cwd)
        XCTAssertEqual(named, ModelChoice(path: root.path, isDemo: false))

        let repository = try DefaultModel.resolve(explicit: nil, environment: [CLIPModel.modelEnvironmentVariable: "openai/clip-vit-base-patch32"],
                                                  executablePath: nil, currentDirectory: cwd)
        XCTAssertEqual(repository, ModelChoice(path: "openai/clip-vit-base-patch32", isDemo: false), "Hub ids are resolved later")
        for spelling in ["hf-hub:laion/CLIP-ViT-B-32-laion2B-s34B-b79K", "https://huggingface.co/openai/clip-vit-base-patch32"] {
            XCTAssertNoThrow(try DefaultModel.resolve(explicit: nil, environment: [CLIPModel.modelEnvironmentVariable: spelling],
                                                      executablePath: nil, currentDirectory: cwd), spelling)
        }

        let blank = try DefaultModel.resolve(explicit: nil, environment: [CLIPModel.modelEnvironmentVariable: "  "],
                                             executablePath: nil, currentDirectory: cwd)
        XCTAssertEqual(blank, ModelChoice(path: demo, isDemo: true), "a blank variable counts as unset")

        let fallback = try DefaultModel.resolve(explicit: nil, environment: [:], executablePath: nil,
                                                currentDirectory: cwd)
        XCTAssertEqual(fallback, ModelChoice(path: demo, isDemo: true))
    }

    func testBadModelSettingsNamed() throws {
        let cwd = root.appendingPathComponent("repo").path
        XCTAssertThrowsError(try DefaultModel.resolve(explicit: "", environment: [:], executablePath: nil, currentDirectory: cwd)) { error in
            XCTAssertEqual((error as? LocalizedError)?.errorDescription,
                           "--model is '', which is empty; give a model folder or file, or leave --model out for the default")
        }
        XCTAssertThrowsError(try DefaultModel.resolve(explicit: "/no/such/model", environment: [:], executablePath: nil, currentDirectory: cwd)) { error in
            XCTAssertEqual((error as? LocalizedError)?.errorDescription,
                           "--model is '/no/such/model', which does not exist; give a model folder or file, or a Hub id ORG/NAME")
        }
        let missing = root.appendingPathComponent("no-such-model").path
        XCTAssertThrowsError(try DefaultModel.resolve(explicit: nil, environment: [CLIPModel.modelEnvironmentVariable: missing],
                                                      executablePath: nil, currentDirectory: cwd)) { error in
            let message = (error as? LocalizedError)?.errorDescription ?? ""
            XCTAssertTrue(message.hasPrefix("CLIP_EXPLORER_MODEL is '\(missing)', which does not exist"), message)
        }
    }

    func testBadDemoOverrideSaysWhatIsThere() throws {
        let file = root.appendingPathComponent("file.txt")
        try Data("x".utf8).write(to: file)
        let emptyFolder = root.appendingPathComponent("empty-folder")
        try FileManager.default.createDirectory(at: emptyFolder, withIntermediateDirectories: true)
        let cases = [
            (root.appendingPathComponent("typo").path, "which does not exist"),
            (file.path, "a file, not a folder"),
            (emptyFolder.path, "a folder without config.json"),
        ]
        for (value, expected) in cases {
            XCTAssertThrowsError(try DefaultModel.locate(environment: [DefaultModel.environmentVariable: value],
                                                         executablePath: nil, currentDirectory: root.path)) { error in
                let message = (error as? LocalizedError)?.errorDescription ?? ""
                XCTAssertTrue(message.hasPrefix("CLIP_EXPLORER_DEMO_MODEL is '\(value)', \(expected)"), message)
                XCTAssertTrue(message.contains("or unset it"), message)
            }
        }
    }

    func testNoticeNamesDemoAndModelOption() {
        let text = DefaultModel.notice(path: "/repo/Models/clip-demo-shapes")
        XCTAssertTrue(text.contains("DEMO"), text)
        XCTAssertTrue(text.contains("synthetic"), text)
        XCTAssertTrue(text.contains("--model DIR"), text)
        XCTAssertTrue(text.contains("/repo/Models/clip-demo-shapes"), text)
    }
}
