import Foundation
import XCTest
@testable import CLIPImage

#if canImport(Glibc)
import Glibc
#endif

final class BadInputTests: XCTestCase {
    /// Returns the ImageError case name, with the format after a colon for unsupportedFormat.
    private func caseName(_ error: ImageError) -> String {
        switch error {
        case .emptyFile: return "emptyFile"
        case .notAnImage: return "notAnImage"
        case .truncated: return "truncated"
        case .invalidData: return "invalidData"
        case .tooManyPixels: return "tooManyPixels"
        case .unsupportedVariant: return "unsupportedVariant"
        case .unsupportedFormat(_, let format): return "unsupportedFormat:\(format)"
        default: return String(describing: error)
        }
    }

    func testFixtureBadInputsFailWithNamedError() throws {
        let cases = try Fixtures.cases().filter { $0.error != nil }
        XCTAssertGreaterThanOrEqual(cases.count, 12)
        for fixture in cases {
            let path = Fixtures.path(fixture.file)
            XCTAssertThrowsError(try ImageDecoder().decode(path: path), fixture.file) { error in
                guard let imageError = error as? ImageError else {
                    return XCTFail("\(fixture.file): \(error) is not an ImageError")
                }
                XCTAssertEqual(caseName(imageError), fixture.error, "\(fixture.file): \(imageError.localizedDescription)")
                let message = imageError.errorDescription ?? ""
                XCTAssertTrue(message.hasPrefix(path + ": "), "\(fixture.file): message does not name the file: \(message)")
                XCTAssertFalse(message.contains("\n"), "\(fixture.file): message is not one line")
            }
        }
    }

    func testPixelLimitMessageSaysHowToRaiseIt() {
        let error = ImageError.tooManyPixels(path: "big.png", width: 100000, height: 100000, limit: 178_956_970)
        XCTAssertEqual(error.errorDescription,
                       "big.png: 100000 x 100000 pixels is over the limit of 178956970 pixels (a guard against "
                       + "decompression bombs); to allow it, pass --max-pixels N or set CLIP_EXPLORER_MAX_PIXELS=N")
    }

    func testPixelLimitAppliesBeforeDecoding() throws {
        let path = Fixtures.path("images/jpeg_baseline_420.jpg")  // 451 x 300
        XCTAssertThrowsError(try ImageDecoder(maxPixels: 451 * 300 - 1).decode(path: path)) { error in
            XCTAssertEqual(error as? ImageError,
                           .tooManyPixels(path: path, width: 451, height: 300, limit: 451 * 300 - 1))
        }
        XCTAssertNoThrow(try ImageDecoder(maxPixels: 451 * 300).decode(path: path))
    }

    func testRaisedLimitStillChecksMemory() throws {
        // 100000 x 100000 RGB needs 30 GB; with the limit raised, the decoder
        // reports that memory cannot hold it instead of trapping.
        try XCTSkipIf(ProcessInfo.processInfo.physicalMemory > 30_000_000_000, "this machine could hold the image")
        let path = Fixtures.path("images/bad_100000x100000.png")
        XCTAssertThrowsError(try ImageDecoder(maxPixels: .max).decode(path: path)) { error in
            XCTAssertEqual(error as? ImageError, .outOfMemory(path: path, width: 100000, height: 100000))
        }
    }

    func testMissingFile() {
        XCTAssertThrowsError(try ImageDecoder().decode(path: "/nonexistent/photo.jpg")) { error in
            XCTAssertEqual(error as? ImageError, .fileNotFound(path: "/nonexistent/photo.jpg"))
        }
    }

    func testDirectoryIsRejected() {
        let folder = Fixtures.path("images")
        XCTAssertThrowsError(try ImageDecoder().decode(path: folder)) { error in
            XCTAssertEqual(error as? ImageError, .isDirectory(path: folder))
        }
    }

    func testUnreadableFile() throws {
        try XCTSkipIf(geteuid() == 0, "root reads files whatever their permissions")
        let path = NSTemporaryDirectory() + "clip-image-unreadable-\(getpid()).jpg"
        _ = FileManager.default.createFile(atPath: path, contents: Data([0xFF, 0xD8, 0xFF]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        chmod(path, 0)
        XCTAssertThrowsError(try ImageDecoder().decode(path: path)) { error in
            XCTAssertEqual(error as? ImageError, .permissionDenied(path: path))
        }
    }

    func testDeviceIsRejected() {
        XCTAssertThrowsError(try ImageDecoder().decode(path: "/dev/zero")) { error in
            XCTAssertEqual(error as? ImageError, .notRegularFile(path: "/dev/zero"))
        }
    }

    func testEveryPrefixOfAJPEGFailsCleanlyOrDecodes() throws {
        // Cuts a real file at many lengths: each must throw an ImageError or decode, never trap.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("images/jpeg_exif_6.jpg"))))
        for length in stride(from: 0, to: bytes.count, by: 97) {
            do {
                _ = try ImageDecoder().decode(bytes: Array(bytes[..<length]), name: "cut.jpg")
            } catch {
                XCTAssertTrue(error is ImageError, "length \(length): \(error)")
            }
        }
    }

    func testEveryPrefixOfAPNGFailsCleanly() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("images/png_exif_6.png"))))
        for length in stride(from: 0, to: bytes.count - 12, by: 53) {
            XCTAssertThrowsError(try ImageDecoder().decode(bytes: Array(bytes[..<length]), name: "cut.png"), "length \(length)")
        }
    }
}

final class CorruptionTests: XCTestCase {
    /// Flips random bytes past the header of real files: every result must be
    /// an image or an ImageError, never a trap.
    func testRandomByteFlipsNeverTrap() throws {
        var generator = SystemRandomNumberGenerator()
        for name in ["jpeg_exif_3.jpg", "jpeg_progressive_restart.jpg", "png_gray4_interlaced.png", "png_exif_6.png", "webp_exif_8.webp"] {
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("images/" + name))))
            for _ in 0..<60 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    bytes[Int.random(in: 16..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                do {
                    let decoded = try ImageDecoder().decode(bytes: bytes, name: name)
                    XCTAssertEqual(decoded.image.pixels.count, decoded.image.width * decoded.image.height * 3, name)
                } catch {
                    XCTAssertTrue(error is ImageError, "\(name): \(error)")
                }
            }
        }
    }
}
