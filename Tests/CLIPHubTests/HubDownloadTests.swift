import Foundation
import XCTest
@testable import CLIPHub

/// Downloads from `LocalHubServer` into a temporary cache and checks the
/// cache against the layout huggingface_hub uses and against manifest.json,
/// whose hashes tools/make_hub_fixtures.py computed with Python's hashlib.
final class HubDownloadTests: XCTestCase {
    private var server: LocalHubServer!
    private var cacheDirectory = ""
    private var messages: [String] = []

    private var fixtures: String {
        (Bundle.module.resourcePath ?? ".") + "/Fixtures/hub"
    }

    override func setUpWithError() throws {
        server = try LocalHubServer(fixtures: fixtures)
        try server.start()
        cacheDirectory = NSTemporaryDirectory() + "clip-hub-test-" + UUID().uuidString
        messages = []
    }

    override func tearDownWithError() throws {
        server.stop()
        try? FileManager.default.removeItem(atPath: cacheDirectory)
    }

    private func settings(token: String? = nil, offline: Bool = false) throws -> HubSettings {
        var settings = HubSettings(endpoint: try XCTUnwrap(URL(string: server.endpoint)), cacheDirectory: cacheDirectory,
                                   token: token, isOffline: offline)
        settings.metadataTimeout = 2
        settings.downloadIdleTimeout = 2
        settings.retryDelays = [0.01, 0.01]
        return settings
    }

    private func download(_ repo: String, revision: String = "main", token: String? = nil, offline: Bool = false) throws -> DownloadResult {
        let downloader = HubDownloader(settings: try settings(token: token, offline: offline), log: { [weak self] in self?.messages.append($0) })
        return try downloader.download(repoID: repo, revision: revision)
    }

    private func downloadError(_ repo: String, revision: String = "main", token: String? = nil, offline: Bool = false) -> HubError? {
        do {
            _ = try download(repo, revision: revision, token: token, offline: offline)
            XCTFail("download of \(repo) should have failed")
            return nil
        } catch {
            return error as? HubError
        }
    }

    private func repoFolder(_ repo: String) -> String {
        cacheDirectory + "/models--" + repo.replacingOccurrences(of: "/", with: "--")
    }

    private func blobs(_ repo: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: repoFolder(repo) + "/blobs")) ?? []).sorted()
    }

    /// Checks one snapshot file: a relative symlink into blobs/ named by the
    /// manifest's ETag, with the fixture's bytes.
    private func assertCached(_ repo: String, _ file: String, line: UInt = #line) throws {
        let fixture = try XCTUnwrap(server.repos[repo]?.files[file], "\(file) not in manifest", line: line)
        let commit = try XCTUnwrap(server.repos[repo]?.commit)
        let link = repoFolder(repo) + "/snapshots/\(commit)/\(file)"
        let depth = file.split(separator: "/").count - 1
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: link)
        XCTAssertEqual(target, String(repeating: "../", count: depth + 2) + "blobs/" + fixture.etag, "link of \(file)", line: line)
        let cached = try Data(contentsOf: URL(fileURLWithPath: link))
        let original = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/" + repo + "/" + file))
        XCTAssertEqual(cached, original, "content of \(file)", line: line)
    }

    // MARK: - Downloads

    func testFullDownloadLayout() throws {
        let result = try download("tiny-org/tiny-clip")
        let commit = try XCTUnwrap(server.repos["tiny-org/tiny-clip"]?.commit)
        let expected = ["config.json", "merges.txt", "model.safetensors", "preprocessor_config.json",
                        "special_tokens_map.json", "tokenizer_config.json", "vocab.json"]

        XCTAssertEqual(result.commit, commit)
        XCTAssertEqual(result.snapshotPath, repoFolder("tiny-org/tiny-clip") + "/snapshots/" + commit)
        XCTAssertEqual(result.files.map(\.path).sorted(), expected)
        XCTAssertTrue(result.files.allSatisfy { !$0.wasCached })
        for file in expected { try assertCached("tiny-org/tiny-clip", file) }
        XCTAssertEqual(try String(contentsOfFile: repoFolder("tiny-org/tiny-clip") + "/refs/main", encoding: .utf8), commit)
        XCTAssertEqual(blobs("tiny-org/tiny-clip").count, expected.count, "one blob per file and no .incomplete left")
        XCTAssertFalse(server.requests.contains { $0.path.contains("flax_model") || $0.path.contains("tf_model") || $0.path.contains("README") })
    }

    func testSecondDownloadUsesCache() throws {
        _ = try download("tiny-org/tiny-clip")
        let before = server.requests.filter { $0.path.hasPrefix("/cdn/") }.count
        let result = try download("tiny-org/tiny-clip")
        XCTAssertTrue(result.files.allSatisfy(\.wasCached))
        XCTAssertEqual(server.requests.filter { $0.path.hasPrefix("/cdn/") }.count, before, "no file bytes fetched again")
    }

    func testResumeAfterCutConnection() throws {
        server.cutConnection(of: "model.safetensors", afterBytes: 30000)
        _ = try download("tiny-org/tiny-clip")
        try assertCached("tiny-org/tiny-clip", "model.safetensors")
        let ranges = server.requests.filter { $0.path.hasPrefix("/cdn/") }.map(\.range)
        XCTAssertEqual(ranges, [nil, "bytes=30000-"])
    }

    func testResumeFromIncompleteFile() throws {
        let etag = try XCTUnwrap(server.repos["tiny-org/tiny-clip"]?.files["model.safetensors"]?.etag)
        let blobs = repoFolder("tiny-org/tiny-clip") + "/blobs"
        try FileManager.default.createDirectory(atPath: blobs, withIntermediateDirectories: true)
        let original = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/tiny-org/tiny-clip/model.safetensors"))
        try original.prefix(10000).write(to: URL(fileURLWithPath: blobs + "/" + etag + ".incomplete"))

        _ = try download("tiny-org/tiny-clip")
        try assertCached("tiny-org/tiny-clip", "model.safetensors")
        XCTAssertEqual(server.requests.filter { $0.path.hasPrefix("/cdn/") }.map(\.range), ["bytes=10000-"])
    }

    func testCorruptedBodyFailsVerification() throws {
        server.corrupt("model.safetensors")
        let error = downloadError("tiny-org/tiny-clip")
        guard case .verificationFailed(let file, let algorithm, _, _)? = error else {
            return XCTFail("expected verificationFailed, got \(String(describing: error))")
        }
        XCTAssertEqual(file, "model.safetensors")
        XCTAssertEqual(algorithm, "SHA-256")
        let etag = try XCTUnwrap(server.repos["tiny-org/tiny-clip"]?.files["model.safetensors"]?.etag)
        XCTAssertFalse(blobs("tiny-org/tiny-clip").contains(etag), "no blob for the corrupt file")
        XCTAssertFalse(blobs("tiny-org/tiny-clip").contains(etag + ".incomplete"), "partial file deleted")
        let commit = try XCTUnwrap(server.repos["tiny-org/tiny-clip"]?.commit)
        let link = repoFolder("tiny-org/tiny-clip") + "/snapshots/\(commit)/model.safetensors"
        XCTAssertNil(try? FileManager.default.destinationOfSymbolicLink(atPath: link), "no snapshot link")
        XCTAssertThrowsError(try HubCache(directory: cacheDirectory).resolve(repoID: "tiny-org/tiny-clip"))
    }

    func testCorruptedRegularFileFailsGitHash() {
        server.corrupt("config.json")
        guard case .verificationFailed(_, let algorithm, _, _)? = downloadError("tiny-org/tiny-clip") else {
            return XCTFail("expected verificationFailed")
        }
        XCTAssertEqual(algorithm, "git SHA-1")
    }

    func testShardedSafetensors() throws {
        let result = try download("tiny-org/sharded-clip")
        let weights = result.files.map(\.path).filter { $0.contains("safetensors") }.sorted()
        let files = try XCTUnwrap(server.repos["tiny-org/sharded-clip"]?.files.keys)
        let shards = files.filter { $0.hasPrefix("model-") && $0.hasSuffix(".safetensors") }
        XCTAssertGreaterThanOrEqual(shards.count, 2, "the fixture should be sharded")
        XCTAssertEqual(weights, (shards + ["model.safetensors.index.json"]).sorted())
        for file in weights { try assertCached("tiny-org/sharded-clip", file) }
    }

    func testPytorchBinOnly() throws {
        let result = try download("tiny-org/bin-clip")
        XCTAssertTrue(result.files.map(\.path).contains("pytorch_model.bin"))
        try assertCached("tiny-org/bin-clip", "pytorch_model.bin")
    }

    func testSentenceTransformersLayout() throws {
        let result = try download("st-org/st-clip")
        XCTAssertEqual(result.files.map(\.path).sorted(), [
            "0_CLIPModel/config.json", "0_CLIPModel/merges.txt", "0_CLIPModel/model.safetensors",
            "0_CLIPModel/preprocessor_config.json", "0_CLIPModel/special_tokens_map.json",
            "0_CLIPModel/tokenizer_config.json", "0_CLIPModel/vocab.json", "config_sentence_transformers.json", "modules.json",
        ])
        try assertCached("st-org/st-clip", "0_CLIPModel/model.safetensors")
        try assertCached("st-org/st-clip", "modules.json")
    }

    func testDownloadByCommitWritesNoRef() throws {
        let commit = try XCTUnwrap(server.repos["tiny-org/tiny-clip"]?.commit)
        _ = try download("tiny-org/tiny-clip", revision: commit)
        XCTAssertFalse(FileManager.default.fileExists(atPath: repoFolder("tiny-org/tiny-clip") + "/refs/main"))
        XCTAssertEqual(try HubCache(directory: cacheDirectory).resolve(repoID: "tiny-org/tiny-clip", revision: commit),
                       repoFolder("tiny-org/tiny-clip") + "/snapshots/" + commit)
    }

    func testRenamedRepositoryRedirect() throws {
        server.rename("old-org/tiny-clip", to: "tiny-org/tiny-clip")
        let result = try download("old-org/tiny-clip")
        XCTAssertEqual(result.commit, server.repos["tiny-org/tiny-clip"]?.commit)
        XCTAssertEqual(result.snapshotPath, repoFolder("old-org/tiny-clip") + "/snapshots/" + result.commit)
        XCTAssertTrue(server.requests.contains { $0.path.hasPrefix("/tiny-org/tiny-clip/resolve/") })
    }

    func testCDNRedirectIsFollowed() throws {
        server.redirectCDN()
        _ = try download("tiny-org/tiny-clip")
        try assertCached("tiny-org/tiny-clip", "model.safetensors")
        XCTAssertTrue(server.requests.contains { $0.path.hasPrefix("/cdn-node/") })
    }

    func testServerIgnoringRangeRestarts() throws {
        server.ignoreRanges()
        let etag = try XCTUnwrap(server.repos["tiny-org/tiny-clip"]?.files["model.safetensors"]?.etag)
        let blobs = repoFolder("tiny-org/tiny-clip") + "/blobs"
        try FileManager.default.createDirectory(atPath: blobs, withIntermediateDirectories: true)
        let original = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/tiny-org/tiny-clip/model.safetensors"))
        try original.prefix(10000).write(to: URL(fileURLWithPath: blobs + "/" + etag + ".incomplete"))

        _ = try download("tiny-org/tiny-clip")
        try assertCached("tiny-org/tiny-clip", "model.safetensors")
    }

    func testTokenNotSentToOtherHost() throws {
        let cdn = try LocalHubServer(fixtures: fixtures)
        try cdn.start()
        defer { cdn.stop() }
        server.redirectLFS(to: cdn.endpoint)
        server.requireToken("hf_good", for: "gated-org/gated-clip")

        _ = try download("gated-org/gated-clip", token: "hf_good")
        try assertCached("gated-org/gated-clip", "model.safetensors")
        let cdnRequests = cdn.requests
        XCTAssertEqual(cdnRequests.count, 1)
        XCTAssertNil(cdnRequests.first?.authorization, "the token goes only to the Hub's own host and port")
    }

    // MARK: - Errors

    func testNotEnoughDiskSpace() {
        // An exabyte is more than any test machine has free.
        server.announce(size: 1 << 60, for: "model.safetensors")
        guard case .diskFull(let path, let needed)? = downloadError("tiny-org/tiny-clip") else {
            return XCTFail("expected diskFull")
        }
        XCTAssertTrue(path.hasSuffix("/blobs/" + (server.repos["tiny-org/tiny-clip"]?.files["model.safetensors"]?.etag ?? "")), path)
        XCTAssertEqual(needed, 1 << 60)
        XCTAssertFalse(server.requests.contains { $0.path.hasPrefix("/cdn/") }, "nothing is fetched")
        XCTAssertFalse(blobs("tiny-org/tiny-clip").contains { $0.hasSuffix(".incomplete") }, "no partial file is created")
    }

    func testMissingRepository() {
        XCTAssertEqual(downloadError("tiny-org/no-such-model"), .repositoryNotFound(repoID: "tiny-org/no-such-model"))
    }

    func testMissingRevision() {
        XCTAssertEqual(downloadError("tiny-org/tiny-clip", revision: "v9"), .revisionNotFound(repoID: "tiny-org/tiny-clip", revision: "v9"))
    }

    func testGatedWithoutToken() {
        server.requireToken("hf_good", for: "gated-org/gated-clip")
        let error = downloadError("gated-org/gated-clip")
        guard case .unauthorized(let repo, _)? = error else { return XCTFail("expected unauthorized, got \(String(describing: error))") }
        XCTAssertEqual(repo, "gated-org/gated-clip")
        XCTAssertTrue(error?.errorDescription?.contains("HF_TOKEN") ?? false)
    }

    func testGatedWithWrongToken() {
        server.requireToken("hf_good", for: "gated-org/gated-clip")
        let error = downloadError("gated-org/gated-clip", token: "hf_wrong")
        guard case .forbidden(let repo, _)? = error else { return XCTFail("expected forbidden, got \(String(describing: error))") }
        XCTAssertEqual(repo, "gated-org/gated-clip")
        XCTAssertTrue(error?.errorDescription?.contains("HF_TOKEN") ?? false)
    }

    func testGatedWithToken() throws {
        server.requireToken("hf_good", for: "gated-org/gated-clip")
        _ = try download("gated-org/gated-clip", token: "hf_good")
        try assertCached("gated-org/gated-clip", "model.safetensors")
        let apiRequest = try XCTUnwrap(server.requests.first { $0.path.hasPrefix("/api/") })
        XCTAssertEqual(apiRequest.authorization, "Bearer hf_good")
    }

    func testMetadataTimeout() {
        server.delay(pathContaining: "/api/models/", seconds: 5)
        var settings = try? settings()
        settings?.metadataTimeout = 1
        guard let settings else { return XCTFail("settings") }
        var log: [String] = []
        XCTAssertThrowsError(try HubDownloader(settings: settings, log: { log.append($0) }).download(repoID: "tiny-org/tiny-clip")) { error in
            guard case .timedOut(let url, let seconds)? = error as? HubError else { return XCTFail("expected timedOut, got \(error)") }
            XCTAssertTrue(url.contains("/api/models/tiny-org/tiny-clip"))
            XCTAssertEqual(seconds, 1)
        }
        // The client's log, not the server's, counts attempts: a request that timed out may not have been read yet.
        XCTAssertEqual(log.filter { $0.contains("timed out") }.count, 2, "two retries after the first attempt: \(log)")
        XCTAssertTrue(log.last?.contains("retry 2 of 2") ?? false, "\(log)")
    }

    func testRetriesServerErrors() throws {
        server.inject(statuses: [503, 429], pathContaining: "/api/models/")
        _ = try download("tiny-org/tiny-clip")
        XCTAssertEqual(server.requests.filter { $0.path.hasPrefix("/api/") }.count, 3)
        XCTAssertTrue(messages.contains { $0.contains("HTTP 503; retry 1 of 2") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.contains("HTTP 429; retry 2 of 2") }, "\(messages)")
    }

    func testRetriesAreBounded() {
        server.inject(statuses: [500, 500, 500, 500], pathContaining: "/api/models/")
        guard case .http(let status, _, _)? = downloadError("tiny-org/tiny-clip") else { return XCTFail("expected an HTTP error") }
        XCTAssertEqual(status, 500)
        XCTAssertEqual(server.requests.count, 3)
    }

    // MARK: - Offline and cache resolution

    func testOfflineUsesCache() throws {
        _ = try download("tiny-org/tiny-clip")
        let before = server.requests.count
        let result = try download("tiny-org/tiny-clip", offline: true)
        XCTAssertEqual(server.requests.count, before, "offline mode sends no request")
        XCTAssertEqual(result.commit, server.repos["tiny-org/tiny-clip"]?.commit)
        XCTAssertTrue(result.files.map(\.path).contains("model.safetensors"))
    }

    func testOfflineWithoutCache() {
        XCTAssertEqual(downloadError("tiny-org/tiny-clip", offline: true), .offline(repoID: "tiny-org/tiny-clip", revision: "main"))
        XCTAssertEqual(server.requests.count, 0, "offline mode sends no request")
    }

    func testResolveNotCachedGivesCommand() {
        XCTAssertThrowsError(try HubCache(directory: cacheDirectory).resolve(repoID: "openai/clip-vit-base-patch32")) { error in
            XCTAssertEqual(error as? HubError, .notCached(repoID: "openai/clip-vit-base-patch32", command: "clip-explorer download openai/clip-vit-base-patch32"))
        }
    }

    func testCachedModelsListing() throws {
        _ = try download("tiny-org/tiny-clip")
        _ = try download("st-org/st-clip")
        let models = HubCache(directory: cacheDirectory).cachedModels()
        XCTAssertEqual(models.map(\.repoID), ["st-org/st-clip", "tiny-org/tiny-clip"])
        XCTAssertEqual(models.first?.refs, ["main"])
        XCTAssertEqual(models.last?.architecture, "CLIPModel ViT 16x1 patch 16 32px, text 16x1")
        let files = try XCTUnwrap(server.repos["tiny-org/tiny-clip"]?.files)
        let expectedSize = ["config.json", "merges.txt", "model.safetensors", "preprocessor_config.json",
                            "special_tokens_map.json", "tokenizer_config.json", "vocab.json"].compactMap { files[$0]?.size }.reduce(0, +)
        XCTAssertEqual(models.last?.size, Int64(expectedSize))
    }
}
