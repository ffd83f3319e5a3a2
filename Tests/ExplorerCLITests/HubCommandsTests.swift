import Foundation
import XCTest
@testable import ExplorerCLI

/// Argument handling of `download` and `models`; the downloads themselves are
/// tested in CLIPHubTests against a local server.
final class HubCommandsTests: XCTestCase {

    func testDownloadWithoutRepoIsUsageError() {
        let result = runProgram(["download"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.contains("missing REPO_ID"), result.err)
    }

    func testDownloadInvalidRepoIsUsageError() {
        let result = runProgram(["download", "not-a-repo"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.contains("invalid repository id 'not-a-repo'"), result.err)
    }

    func testDownloadInvalidRevisionIsUsageError() {
        setenv("HF_HUB_OFFLINE", "1", 1)
        defer { unsetenv("HF_HUB_OFFLINE") }
        for revision in ["", "../main", "a b"] {
            let result = runProgram(["download", "openai/clip-vit-base-patch32", "--revision", revision])
            XCTAssertEqual(result.status, 2, revision)
            XCTAssertTrue(result.err.hasPrefix("clip-explorer download: invalid revision '\(revision)': expected a branch, tag or commit hash\n"),
                          result.err)
        }
    }

    func testDownloadHelpListsKnownModels() {
        let result = runProgram(["download", "--help"])
        XCTAssertEqual(result.status, 0)
        for id in Program.knownGoodModelIDs {
            XCTAssertTrue(result.out.contains("  " + id + "\n"), id)
        }
        XCTAssertTrue(result.out.contains("HF_ENDPOINT"))
    }

    func testEmptyEndpointIsRejected() {
        setenv("HF_ENDPOINT", "", 1)
        defer { unsetenv("HF_ENDPOINT") }
        let result = runProgram(["download", "openai/clip-vit-base-patch32"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("invalid HF_ENDPOINT ''"), result.err)
    }

    func testModelsOnEmptyCache() {
        let home = NSTemporaryDirectory() + "hub-cli-" + UUID().uuidString
        setenv("HF_HOME", home, 1)
        defer { unsetenv("HF_HOME") }
        let result = runProgram(["models"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.out, "")
        XCTAssertTrue(result.err.contains("no CLIP models in \(home)/hub"), result.err)
    }

    func testModelsIgnoresEndpoint() {
        setenv("HF_ENDPOINT", "", 1)
        setenv("HF_HOME", NSTemporaryDirectory() + "hub-cli-" + UUID().uuidString, 1)
        defer {
            unsetenv("HF_ENDPOINT")
            unsetenv("HF_HOME")
        }
        XCTAssertEqual(runProgram(["models"]).status, 0, "listing the cache needs no Hub address")
    }

    func testResolveModelPathKeepsExistingPaths() throws {
        XCTAssertEqual(try Program.resolveModelPath("/tmp"), "/tmp")
        XCTAssertEqual(try Program.resolveModelPath("model.safetensors"), "model.safetensors")
    }

    func testResolveModelPathRejectsBadPrefixedIDs() {
        for text in ["hf-hub:openai", "https://huggingface.co/openai/clip-vit-base-patch32/tree/main"] {
            XCTAssertThrowsError(try Program.resolveModelPath(text), text) { error in
                XCTAssertTrue(describe(error).hasPrefix("invalid repository id '\(text)'"), describe(error))
            }
        }
    }

    func testResolveModelPathNamesDownloadCommand() {
        let home = NSTemporaryDirectory() + "hub-cli-" + UUID().uuidString
        setenv("HF_HOME", home, 1)
        defer { unsetenv("HF_HOME") }
        XCTAssertThrowsError(try Program.resolveModelPath("openai/clip-vit-base-patch32")) { error in
            XCTAssertTrue(describe(error).contains("clip-explorer download openai/clip-vit-base-patch32"), describe(error))
        }
    }
    func testExplorerLoaderResolvesCachedRepoID() throws {
        let home = NSTemporaryDirectory() + "hub-cli-" + UUID().uuidString
        setenv("HF_HOME", home, 1)
        defer {
            unsetenv("HF_HOME")
            try? FileManager.default.removeItem(atPath: home)
        }
        // A cache entry as huggingface_hub lays it out: refs/main names the snapshot folder.
        let commit = String(repeating: "ab", count: 20)
        let repo = URL(fileURLWithPath: home).appendingPathComponent("hub/models--demo--shapes")
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("refs"), withIntermediateDirectories: true)
        try Data(commit.utf8).write(to: repo.appendingPathComponent("refs/main"))
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("snapshots"), withIntermediateDirectories: true)
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/clip-demo-shapes")
        try FileManager.default.copyItem(at: demo, to: repo.appendingPathComponent("snapshots/\(commit)"))

        let loader = try XCTUnwrap(Program.explorerModelLoader())
        let service = try loader.load(path: "demo/shapes")
        XCTAssertEqual(service.summary.vocabularySize, 49408)
        XCTAssertEqual(service.summary.name, "demo/shapes", "the id, not the snapshot's commit hash")
        XCTAssertNil(service.summary.note, "a model chosen with --model is not the demo")
        XCTAssertThrowsError(try loader.load(path: "demo/missing")) { error in
            XCTAssertTrue(describe(error).contains("clip-explorer download demo/missing"), describe(error))
        }
    }
}
