import CLIPImage
import Foundation
import XCTest
@testable import ExplorerCLI

#if canImport(Glibc)
import Glibc
#endif

final class PreprocessCommandTests: XCTestCase {
    private var folder = ""
    private var imagePath = ""
    /// A 40 x 30 gradient, small enough that every test builds it afresh.
    private let image: RGBImage = {
        var pixels: [UInt8] = []
        for y in 0..<30 {
            for x in 0..<40 {
                pixels += [UInt8(x * 6), UInt8(y * 8), UInt8((x + y) % 7 * 30)]
            }
        }
        return RGBImage(width: 40, height: 30, pixels: pixels)
    }()

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "clip-preprocess-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        imagePath = folder + "/image.png"
        try image.writePNG(path: imagePath)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs the program and returns the exit status, standard output and standard error.

    private func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    func testWritesTensorCropAndJSON() throws {
        let out = folder + "/tensor.f32", png = folder + "/crop.png"
        let result = runProgram(["preprocess", imagePath, "--out", out, "--size", "16", "--png", png, "--json"])
        XCTAssertEqual(result.status, 0, result.err)

        let expected = preprocess(image, config: .openAI(size: 16))
        let bytes = try XCTUnwrap(contents(out))
        XCTAssertEqual(bytes.count, 3 * 16 * 16 * 4)
        let floats = stride(from: 0, to: bytes.count, by: 4).map { offset in
            Float(bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
                | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
        }
        XCTAssertEqual(floats, expected.tensor)
        XCTAssertEqual(try ImageDecoder().decode(path: png).image, expected.crop)

        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        XCTAssertEqual(json["width"] as? Int, 40)
        XCTAssertEqual(json["height"] as? Int, 30)
        XCTAssertEqual(json["format"] as? String, "png")
        XCTAssertEqual(json["mode"] as? String, "RGB")
        XCTAssertEqual(json["exifRotationApplied"] as? Bool, false)
        XCTAssertEqual(json["outputShape"] as? [Int], [3, 16, 16])
    }

    /// Returns a PNG of `image` with an eXIf chunk holding `orientation`, placed before IDAT.
    private func pngWithOrientation(_ orientation: UInt8) throws -> [UInt8] {
        let png = try XCTUnwrap(contents(imagePath))
        let tiff: [UInt8] = [0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]
        let typeAndData = Array("eXIf".utf8) + tiff
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in typeAndData {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc ^= 0xFFFF_FFFF
        func bigEndian(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
        let chunk = bigEndian(UInt32(tiff.count)) + typeAndData + bigEndian(crc)
        let afterHeader = 8 + 25  // signature, then the 13-byte IHDR chunk with its length, type and CRC
        return Array(png[..<afterHeader]) + chunk + Array(png[afterHeader...])
    }

    func testEXIFRotationReportedAndSkippable() throws {
        let rotated = folder + "/rotated.png"
        XCTAssertTrue(FileManager.default.createFile(atPath: rotated, contents: Data(try pngWithOrientation(6))))
        let out = folder + "/t.f32"

        let applied = runProgram(["preprocess", rotated, "--out", out, "--size", "8", "--json"])
        XCTAssertEqual(applied.status, 0, applied.err)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(applied.out.utf8)) as? [String: Any])
        XCTAssertEqual(json["exifOrientation"] as? Int, 6)
        XCTAssertEqual(json["exifRotationApplied"] as? Bool, true)
        XCTAssertEqual(json["width"] as? Int, 30)
        XCTAssertEqual(json["height"] as? Int, 40)

        let skipped = runProgram(["preprocess", rotated, "--out", out, "--size", "8", "--json", "--no-exif"])
        let plain = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(skipped.out.utf8)) as? [String: Any])
        XCTAssertEqual(plain["exifOrientation"] as? Int, 6)
        XCTAssertEqual(plain["exifRotationApplied"] as? Bool, false)
        XCTAssertEqual(plain["width"] as? Int, 40)

        let text = runProgram(["preprocess", rotated, "--out", out, "--size", "8"])
        XCTAssertTrue(text.out.contains("EXIF orientation 6 applied"), text.out)
    }

    func testBadImageKeepsOldOutput() throws {
        let out = folder + "/tensor.f32"
        _ = FileManager.default.createFile(atPath: out, contents: Data("old".utf8))
        let bad = folder + "/text.jpg"
        _ = FileManager.default.createFile(atPath: bad, contents: Data("not an image".utf8))

        let result = runProgram(["preprocess", bad, "--out", out])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err, "clip-explorer preprocess: \(bad): not a JPEG, PNG or WebP image "
            + "(unrecognized content, whatever the file extension)\n")
        XCTAssertEqual(contents(out), Array("old".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), ["image.png", "tensor.f32", "text.jpg"])
    }

    func testMissingImageExitsOne() {
        let result = runProgram(["preprocess", folder + "/missing.jpg", "--out", folder + "/t.f32"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("missing.jpg: no such file"), result.err)
        XCTAssertNil(contents(folder + "/t.f32"))
    }

    func testDirectoryAsImageExitsOne() {
        let result = runProgram(["preprocess", folder, "--out", folder + "/t.f32"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("is a directory"), result.err)
    }

    func testOutputDirectoryDeviceAndReadOnlyFileRejected() throws {
        let readOnly = folder + "/read-only.f32"
        _ = FileManager.default.createFile(atPath: readOnly, contents: Data("keep".utf8))
        chmod(readOnly, 0o444)
        for (target, reason) in [(folder, "is a directory"), ("/dev/null", "not a regular file"), (readOnly, "read-only file")] {
            let result = runProgram(["preprocess", imagePath, "--out", target, "--size", "8"])
            XCTAssertEqual(result.status, 1, target)
            XCTAssertTrue(result.err.contains("\(target): \(reason)"), result.err)
        }
        XCTAssertEqual(contents(readOnly), Array("keep".utf8))
    }

    func testMissingOutputFolderExitsOne() {
        let out = folder + "/no-such-folder/t.f32"
        let result = runProgram(["preprocess", imagePath, "--out", folder + "/t.f32", "--png", out, "--size", "8"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err, "clip-explorer preprocess: \(out): cannot create a file in its folder: No such file or directory\n")
        XCTAssertNil(contents(folder + "/t.f32"), "the tensor must not be written when the PNG output is invalid")
    }

    func testFileAsOutputFolderSaysNotADirectory() {
        let out = imagePath + "/t.f32"
        let result = runProgram(["preprocess", imagePath, "--out", out, "--size", "8"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err, "clip-explorer preprocess: \(out): cannot create a file in its folder: Not a directory\n")
    }

    func testEmptyOutputNameExitsTwo() throws {
        let result = runProgram(["preprocess", imagePath, "--out", "", "--size", "8"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.hasPrefix("clip-explorer preprocess: empty output file name; give a file name such as tensor.f32\n"),
                      result.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["image.png"])
    }

    func testSameFileForTensorAndPNGExitsTwo() throws {
        let out = folder + "/t.f32"
        let result = runProgram(["preprocess", imagePath, "--out", out, "--png", folder + "/../" + (folder as NSString).lastPathComponent + "/t.f32",
                          "--size", "8"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.contains("--out and --png name the same file"), result.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["image.png"])
    }

    func testInputImageAsOutputExitsTwo() throws {
        let link = folder + "/link.png"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "image.png")
        let before = contents(imagePath)

        for arguments in [["--out", imagePath], ["--out", folder + "/t.f32", "--png", link]] {
            let result = runProgram(["preprocess", imagePath, "--size", "8"] + arguments)
            XCTAssertEqual(result.status, 2, arguments.joined(separator: " "))
            XCTAssertTrue(result.err.contains("is the input image; choose another file name"), result.err)
        }
        XCTAssertEqual(contents(imagePath), before)
        XCTAssertNil(contents(folder + "/t.f32"))
    }

    func testSymbolicLinkOutputWritesItsTarget() throws {
        let target = folder + "/target.f32", link = folder + "/link.f32"
        _ = FileManager.default.createFile(atPath: target, contents: Data("old".utf8))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target.f32")

        XCTAssertEqual(runProgram(["preprocess", imagePath, "--out", link, "--size", "8"]).status, 0)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "target.f32")
        XCTAssertEqual(contents(target)?.count, 3 * 8 * 8 * 4)
    }

    func testRelativeLinkInWorkingFolder() throws {
        // A bare link name resolves against the working folder, not the root.
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try FileManager.default.createSymbolicLink(atPath: "link.f32", withDestinationPath: "target.f32")

        XCTAssertEqual(runProgram(["preprocess", "image.png", "--out", "link.f32", "--size", "8"]).status, 0)
        XCTAssertEqual(contents(folder + "/target.f32")?.count, 3 * 8 * 8 * 4)
    }

    func testPixelLimitOptionAndEnvironment() {
        let out = folder + "/t.f32"
        let limited = runProgram(["preprocess", imagePath, "--out", out, "--max-pixels", "1199"])
        XCTAssertEqual(limited.status, 1)
        XCTAssertTrue(limited.err.contains("40 x 30 pixels is over the limit of 1199 pixels"), limited.err)

        setenv(ImageDecoder.maxPixelsEnvironmentVariable, "1000", 1)
        defer { unsetenv(ImageDecoder.maxPixelsEnvironmentVariable) }
        XCTAssertEqual(runProgram(["preprocess", imagePath, "--out", out]).status, 1)
        XCTAssertEqual(runProgram(["preprocess", imagePath, "--out", out, "--max-pixels", "1200"]).status, 0)
        setenv(ImageDecoder.maxPixelsEnvironmentVariable, "lots", 1)
        let invalid = runProgram(["preprocess", imagePath, "--out", out])
        XCTAssertEqual(invalid.status, 2)
        XCTAssertTrue(invalid.err.contains("invalid CLIP_EXPLORER_MAX_PIXELS 'lots'"), invalid.err)
    }

    func testUsageErrorsExitTwo() {
        let out = folder + "/t.f32"
        let cases: [([String], String)] = [
            (["preprocess", imagePath], "missing --out FILE.f32"),
            (["preprocess", "--out", out], "expected one IMAGE, got 0"),
            (["preprocess", imagePath, imagePath, "--out", out], "expected one IMAGE, got 2"),
            (["preprocess", imagePath, "--out", out, "--size", "0"], "invalid value '0' for --size"),
            (["preprocess", imagePath, "--out", out, "--size", "big"], "invalid value 'big' for --size"),
            (["preprocess", imagePath, "--out", out, "--repeat", "3"], "--repeat only applies with --time"),
        ]
        for (arguments, message) in cases {
            let result = runProgram(arguments)
            XCTAssertEqual(result.status, 2, arguments.joined(separator: " "))
            XCTAssertTrue(result.err.contains(message), result.err)
        }
        XCTAssertNil(contents(out))
    }

    func testTimePrintsOneLine() {
        let result = runProgram(["preprocess", imagePath, "--out", folder + "/t.f32", "--size", "8", "--time", "--repeat", "2"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(result.err.hasPrefix("time: decode and preprocess "), result.err)
        XCTAssertTrue(result.err.hasSuffix(" ms\n"), result.err)
    }

    func testHelpListsOptions() {
        let result = runProgram(["preprocess", "--help"])
        XCTAssertEqual(result.status, 0)
        for option in ["--out FILE", "--size N", "--no-exif", "--png FILE", "--json", "--max-pixels N"] {
            XCTAssertTrue(result.out.contains(option), option)
        }
    }
}
