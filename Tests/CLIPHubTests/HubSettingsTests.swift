import Foundation
import XCTest
@testable import CLIPHub

final class HubSettingsTests: XCTestCase {
    func testDefaultsFollowHome() throws {
        let settings = try HubSettings.fromEnvironment(["HF_HOME": "/tmp/hf-home-test"])
        XCTAssertEqual(settings.endpoint.absoluteString, "https://huggingface.co")
        XCTAssertEqual(settings.cacheDirectory, "/tmp/hf-home-test/hub")
        XCTAssertFalse(settings.isOffline)
    }

    func testHubCacheOverridesHome() throws {
        let settings = try HubSettings.fromEnvironment(["HF_HOME": "/tmp/a", "HF_HUB_CACHE": "/tmp/b"])
        XCTAssertEqual(settings.cacheDirectory, "/tmp/b")
    }

    func testEndpointTrailingSlashRemoved() throws {
        let settings = try HubSettings.fromEnvironment(["HF_ENDPOINT": "http://127.0.0.1:8080/"])
        XCTAssertEqual(settings.endpoint.absoluteString, "http://127.0.0.1:8080")
    }

    func testInvalidEndpointsAreRejected() {
        for value in ["", "   ", "127.0.0.1:8080", "ftp://127.0.0.1", "http://", "http://127.0.0.1/?x=1", "not a url"] {
            XCTAssertThrowsError(try HubSettings.fromEnvironment(["HF_ENDPOINT": value]), "HF_ENDPOINT='\(value)'") { error in
                XCTAssertEqual(error as? HubError, .invalidEndpoint(value))
            }
        }
    }

    func testOfflineValues() throws {
        for value in ["1", "true", "YES", "on"] {
            XCTAssertTrue(try HubSettings.fromEnvironment(["HF_HUB_OFFLINE": value, "HF_HOME": "/tmp/x"]).isOffline, value)
        }
        for value in ["0", "false", ""] {
            XCTAssertFalse(try HubSettings.fromEnvironment(["HF_HUB_OFFLINE": value, "HF_HOME": "/tmp/x"]).isOffline, value)
        }
    }

    func testTimeoutsFromEnvironment() throws {
        let defaults = try HubSettings.fromEnvironment(["HF_HOME": "/h"])
        XCTAssertEqual(defaults.metadataTimeout, 10)
        XCTAssertEqual(defaults.downloadIdleTimeout, 60)

        let set = try HubSettings.fromEnvironment(["HF_HOME": "/h", "HF_HUB_ETAG_TIMEOUT": " 30 ", "HF_HUB_DOWNLOAD_TIMEOUT": "120.5"])
        XCTAssertEqual(set.metadataTimeout, 30)
        XCTAssertEqual(set.downloadIdleTimeout, 120.5)

        XCTAssertEqual(try HubSettings.fromEnvironment(["HF_HOME": "/h", "HF_HUB_ETAG_TIMEOUT": "86400"]).metadataTimeout, 86_400)
        let short = try HubSettings.fromEnvironment(["HF_HOME": "/h", "HF_HUB_ETAG_TIMEOUT": "0.2", "HF_HUB_DOWNLOAD_TIMEOUT": ""])
        XCTAssertEqual(short.metadataTimeout, 1, "sub-second timeouts are raised to 1 s")
        XCTAssertEqual(short.downloadIdleTimeout, 60, "empty keeps the default")

        for bad in ["0", "-5", "ten", "nan", "inf", "1e999", "1e300", "86401"] {
            XCTAssertThrowsError(try HubSettings.fromEnvironment(["HF_HOME": "/h", "HF_HUB_DOWNLOAD_TIMEOUT": bad])) { error in
                XCTAssertEqual(error as? HubError, .invalidTimeout(variable: "HF_HUB_DOWNLOAD_TIMEOUT", value: bad))
                XCTAssertTrue(error.localizedDescription.contains("invalid HF_HUB_DOWNLOAD_TIMEOUT '\(bad)'"), error.localizedDescription)
            }
        }
    }

    func testTokenFromEnvironmentAndFile() throws {
        XCTAssertEqual(try HubSettings.fromEnvironment(["HF_TOKEN": "hf_env", "HF_HOME": "/tmp/none"]).token, "hf_env")
        let home = NSTemporaryDirectory() + "hf-token-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try "hf_file\n".write(toFile: home + "/token", atomically: true, encoding: .utf8)
        XCTAssertEqual(try HubSettings.fromEnvironment(["HF_HOME": home]).token, "hf_file")
    }

    func testRepoIDValidation() {
        for valid in ["openai/clip-vit-base-patch32", "laion/CLIP-ViT-B-32-laion2B-s34B-b79K", "a/b", "org_1/name.v2"] {
            XCTAssertNoThrow(try RepoID(valid), valid)
        }
        for invalid in ["", "openai", "a/b/c", "../x", "a/..", "a/-b", "a/b-", "a--b/c", "a/b c", "/a", "a/",
                        "hf-hub:", "hf-hub:a", "https://huggingface.co/a/b/tree/main", "hf-hub:hf-hub:a/b"] {
            XCTAssertThrowsError(try RepoID(invalid), invalid)
        }
        // open_clip's prefix and the Hub's web address name the same repository.
        for spelling in ["hf-hub:laion/CLIP-ViT-B-32-laion2B-s34B-b79K", "https://huggingface.co/laion/CLIP-ViT-B-32-laion2B-s34B-b79K",
                         "https://huggingface.co/laion/CLIP-ViT-B-32-laion2B-s34B-b79K/"] {
            XCTAssertEqual(try RepoID(spelling).description, "laion/CLIP-ViT-B-32-laion2B-s34B-b79K", spelling)
        }
    }

    func testRevisionValidation() {
        XCTAssertNoThrow(try validateRevision("refs/pr/1"))
        for invalid in ["", "../main", "a//b", "a b", "x/.."] {
            XCTAssertThrowsError(try validateRevision(invalid), invalid)
        }
    }

    func testETagNormalization() {
        XCTAssertEqual(HubClient.normalizeETag("\"abc\""), "abc")
        XCTAssertEqual(HubClient.normalizeETag("W/\"abc\""), "abc")
        XCTAssertNil(HubClient.normalizeETag("\"../x\""))
        XCTAssertNil(HubClient.normalizeETag("\"\""))
    }

    func testRevisionEncoding() {
        XCTAssertEqual(HubClient.encodeSegment("refs/pr/1"), "refs%2Fpr%2F1")
        XCTAssertEqual(HubClient.encodePath("0_CLIPModel/a b.json"), "0_CLIPModel/a%20b.json")
    }
}

/// Known-answer tests from FIPS 180-4's examples and git's blob hashing.
final class DigestTests: XCTestCase {
    private func hex(_ algorithm: Digest.Algorithm, _ text: String) -> String {
        var digest = Digest(algorithm)
        digest.update(Array(text.utf8))
        return digest.finalize()
    }

    func testSHA256KnownAnswers() {
        XCTAssertEqual(hex(.sha256, ""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(hex(.sha256, "abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(hex(.sha256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testSHA1KnownAnswers() {
        XCTAssertEqual(hex(.sha1, "abc"), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(hex(.sha1, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
    }

    func testGitBlobHash() {
        // `printf 'hello\n' | git hash-object --stdin`
        var digest = Digest.gitBlob(size: 6)
        digest.update(Array("hello\n".utf8))
        XCTAssertEqual(digest.finalize(), "ce013625030ba8dba906f756967f9e9ca394464a")
    }

    func testChunkedUpdatesMatchOneUpdate() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var whole = Digest(.sha256)
        whole.update(data)
        var pieces = Digest(.sha256)
        for size in [1, 63, 64, 65, 200, 607] {
            let start = [1, 63, 64, 65, 200, 607].prefix { $0 != size }.reduce(0, +)
            pieces.update(Array(data[start..<(start + size)]))
        }
        XCTAssertEqual(pieces.finalize(), whole.finalize())
    }
}

final class DownloadProgressTests: XCTestCase {
    func testFinalLineShowsTotals() {
        var written: [String] = []
        let progress = DownloadProgress(write: { written.append($0) })
        progress.start(file: "model.safetensors", total: 2_000_000, alreadyReceived: 500_000)
        progress.advance(by: 1_500_000)
        progress.finish()

        let lastLine = written.dropLast().last ?? ""
        XCTAssertTrue(lastLine.hasPrefix("\rmodel.safetensors"), lastLine)
        XCTAssertTrue(lastLine.contains("[####################] 100%"), lastLine)
        XCTAssertTrue(lastLine.contains("2.0 MB/2.0 MB"), lastLine)
        XCTAssertFalse(lastLine.contains("ETA"), "no ETA once complete: \(lastLine)")
        XCTAssertEqual(written.last, "\n")
    }

    func testStartShowsResumedBytes() {
        var written: [String] = []
        let progress = DownloadProgress(write: { written.append($0) })
        progress.start(file: "pytorch_model.bin", total: 1000, alreadyReceived: 250)
        XCTAssertTrue(written.first?.contains(" 25% 250 B/1.0 kB") ?? false, "\(written)")
    }

    func testByteCountText() {
        XCTAssertEqual(ByteCountText.format(999), "999 B")
        XCTAssertEqual(ByteCountText.format(1000), "1.0 kB")
        XCTAssertEqual(ByteCountText.format(605_260_507), "605.3 MB")
        XCTAssertEqual(ByteCountText.format(1_710_000_000), "1.7 GB")
    }
}
