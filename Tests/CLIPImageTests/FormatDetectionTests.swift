import XCTest
@testable import CLIPImage

final class FormatDetectionTests: XCTestCase {
    private func detect(_ text: String) -> DetectedFormat {
        DetectedFormat(magic: Array(text.utf8))
    }

    func testTextStartingWithMagicLettersIsUnknown() {
        XCTAssertEqual(detect("BMW makes cars, and this is a text file."), .unknown)
        XCTAssertEqual(detect("RIFF"), .unsupported("RIFF (not WebP)"))
        XCTAssertEqual(detect(""), .unknown)
    }

    func testBitmapWithInfoHeader() {
        var bytes = Array("BM".utf8) + [UInt8](repeating: 0, count: 16)
        bytes[14] = 40
        XCTAssertEqual(DetectedFormat(magic: bytes), .unsupported("BMP"))
    }

    func testISOMediaBrands() {
        func box(_ brand: String) -> [UInt8] { [0, 0, 0, 24] + Array("ftyp".utf8) + Array(brand.utf8) }
        XCTAssertEqual(DetectedFormat(magic: box("avif")), .unsupported("AVIF"))
        XCTAssertEqual(DetectedFormat(magic: box("heic")), .unsupported("HEIC"))
        XCTAssertEqual(DetectedFormat(magic: box("mif1")), .unsupported("HEIF"))
        XCTAssertEqual(DetectedFormat(magic: box("isom")), .unsupported("ISO media (brand 'isom')"))
    }

    func testSupportedFormats() {
        XCTAssertEqual(DetectedFormat(magic: [0xFF, 0xD8, 0xFF, 0xE0]), .supported(.jpeg))
        XCTAssertEqual(DetectedFormat(magic: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), .supported(.png))
        XCTAssertEqual(DetectedFormat(magic: Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)), .supported(.webp))
    }
}
