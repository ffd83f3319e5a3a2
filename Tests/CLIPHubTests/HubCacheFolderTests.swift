import Foundation
import XCTest
@testable import CLIPHub

/// Cache folders are created with their parents, and a failure names the folder and the cause.
final class HubCacheFolderTests: XCTestCase {
    func testCreatesMissingParents() throws {
        let root = NSTemporaryDirectory() + "hub-folders-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = HubCache(directory: root + "/hub")
        let blobs = root + "/hub/models--org--name/blobs"

        try cache.createDirectory(blobs)
        XCTAssertTrue(cache.directoryExists(blobs))
        XCTAssertNoThrow(try cache.createDirectory(blobs), "an existing folder is not an error")
    }

    func testFileInPathSaysNotADirectory() {
        let cache = HubCache(directory: "/dev/null/hub")
        XCTAssertThrowsError(try cache.createDirectory("/dev/null/hub/models--org--name")) { error in
            XCTAssertEqual((error as? LocalizedError)?.errorDescription,
                           "/dev/null: cannot create folder: Not a directory; set HF_HOME or HF_HUB_CACHE to a writable folder")
        }
    }
}
