import CImageCodecs
import XCTest
@testable import CLIPImage

/// The row-by-row JPEG path decodes only the columns the resize reads, so it
/// must give exactly what the whole decode gives, which the Pillow fixtures check.
final class JPEGRowsTests: XCTestCase {
    private static let jpegFixtures = [
        "jpeg_baseline_420", "jpeg_422", "jpeg_444", "jpeg_gray", "jpeg_progressive", "jpeg_progressive_restart",
        "jpeg_restart", "jpeg_cmyk", "jpeg_cmyk_black", "jpeg_ycck", "jpeg_225x223", "jpeg_3000x40", "jpeg_exif_6",
    ]

    private func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("images/\(name).jpg"))))
    }

    func testRowsPathEqualsWholeDecode() throws {
        let decoder = ImageDecoder()
        // Small sizes make large downscales, where the crop reads few of the columns.
        for name in JPEGRowsTests.jpegFixtures {
            let data = try bytes(name)
            let whole = try decoder.decode(bytes: data, name: name, applyEXIF: false)
            for size in [5, 8, 32, 64, 100, 224] {
                let expected = preprocess(whole.image, config: .openAI(size: size))
                let file = try decoder.decodeAndPreprocess(bytes: data, name: name, applyEXIF: false, config: .openAI(size: size))
                XCTAssertEqual(file.preprocessed.crop, expected.crop, "\(name) at \(size): crop")
                XCTAssertEqual(file.preprocessed.tensor, expected.tensor, "\(name) at \(size): tensor")
                XCTAssertEqual(file.mode, whole.mode, "\(name): mode")
                XCTAssertEqual(file.width, whole.image.width, "\(name): width")
                XCTAssertEqual(file.height, whole.image.height, "\(name): height")
                XCTAssertEqual(file.warnings, whole.warnings, "\(name): warnings")
            }
        }
    }

    func testRotatedJPEGUsesWholeDecode() throws {
        let data = try bytes("jpeg_exif_6")
        let decoder = ImageDecoder()
        let whole = try decoder.decode(bytes: data, name: "jpeg_exif_6", applyEXIF: true)
        let file = try decoder.decodeAndPreprocess(bytes: data, name: "jpeg_exif_6", applyEXIF: true, config: .openAI(size: 32))
        XCTAssertTrue(file.exifRotationApplied)
        XCTAssertEqual(file.width, whole.image.width)
        XCTAssertEqual(file.preprocessed.crop, preprocess(whole.image, config: .openAI(size: 32)).crop)
    }

    func testDamagedJPEGFailsOrWarnsAsWholeDecode() throws {
        let decoder = ImageDecoder()
        for name in ["damaged_no_eoi", "bad_truncated"] {
            let data = try bytes(name)
            let whole = Result { try decoder.decode(bytes: data, name: name, applyEXIF: false) }
            let rows = Result { try decoder.decodeAndPreprocess(bytes: data, name: name, applyEXIF: false, config: .openAI(size: 32)) }
            switch (whole, rows) {
            case (.success(let image), .success(let file)):
                XCTAssertEqual(file.warnings, image.warnings, name)
                XCTAssertFalse(file.warnings.isEmpty, name)
            case (.failure(let expected), .failure(let error)):
                XCTAssertEqual(error.localizedDescription, expected.localizedDescription, name)
            default:
                XCTFail("\(name): whole decode \(whole), rows \(rows)")
            }
        }
    }

    /// Decodes all rows of `columns` widened by `margin` with cic_jpeg_rows and
    /// returns the pixels of `columns` only.
    private func decodeColumns(_ data: [UInt8], columns: Range<Int>, margin: Int) throws -> [UInt8] {
        try data.withUnsafeBufferPointer { buffer -> [UInt8] in
            var info = cic_image()
            var handle: OpaquePointer?
            let status = cic_jpeg_rows_open(buffer.baseAddress, buffer.count, UInt64.max, &handle, &info)
            guard status == CIC_OK, let decoder = handle else {
                throw ImageError.invalidData(path: "fixture", format: .jpeg, detail: "cic_jpeg_rows_open returned \(status)")
            }
            defer { cic_jpeg_rows_close(decoder) }

            let width = Int(info.width), height = Int(info.height)
            let requestedFirst = max(columns.lowerBound - margin, 0)
            var first = UInt32(requestedFirst)
            var count = UInt32(min(columns.upperBound + margin, width) - requestedFirst)
            XCTAssertEqual(cic_jpeg_rows_start(decoder, &first, &count, &info), CIC_OK)
            XCTAssertLessThanOrEqual(Int(first), columns.lowerBound)
            XCTAssertGreaterThanOrEqual(Int(first + count), columns.upperBound)

            var row = [UInt8](repeating: 0, count: Int(count) * 3)
            var kept: [UInt8] = []
            for _ in 0..<height {
                XCTAssertEqual(row.withUnsafeMutableBufferPointer { cic_jpeg_rows_read(decoder, $0.baseAddress, &info) }, CIC_OK)
                let start = (columns.lowerBound - Int(first)) * 3
                kept += row[start..<(start + columns.count * 3)]
            }
            XCTAssertEqual(cic_jpeg_rows_finish(decoder, &info), CIC_OK)
            return kept
        }
    }

    func testCroppedColumnsEqualWholeDecode() throws {
        let decoder = ImageDecoder()
        for name in JPEGRowsTests.jpegFixtures {
            let data = try bytes(name)
            let whole = try decoder.decode(bytes: data, name: name, applyEXIF: false).image
            let width = whole.width
            // Ranges that start and end on and beside MCU boundaries, at both edges and inside.
            var ranges: [Range<Int>] = [0..<width, 0..<1, (width - 1)..<width]
            for start in [1, 7, 8, 15, 16, 17, 31, 32, 33, width / 2, width - 17] where start > 0 && start < width {
                for length in [1, 2, 15, 16, 17, 40] where start + length <= width {
                    ranges.append(start..<(start + length))
                }
            }
            for columns in ranges {
                let expected = whole.cropped(columns: columns, rows: 0..<whole.height).pixels
                let decoded = try decodeColumns(data, columns: columns, margin: ImageDecoder.jpegColumnMargin)
                XCTAssertTrue(decoded == expected, "\(name): columns \(columns)")
            }
        }
    }
}
