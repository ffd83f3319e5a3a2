import XCTest
@testable import CLIPImage

/// Compares decoding and preprocessing with what Pillow 13, torchvision and
/// open_clip produced for the same files (tools/make_image_fixtures.py).
final class PillowFixtureTests: XCTestCase {
    func testDecodedPixelsMatchPillow() throws {
        let cases = try Fixtures.cases().filter { $0.error == nil }
        XCTAssertGreaterThan(cases.count, 40)
        for fixture in cases {
            let name = "\(fixture.file) applyEXIF=\(fixture.applyEXIF ?? true)"
            let decoded = try ImageDecoder().decode(path: Fixtures.path(fixture.file), applyEXIF: fixture.applyEXIF ?? true)
            XCTAssertEqual(decoded.image.width, fixture.width, "\(name): width")
            XCTAssertEqual(decoded.image.height, fixture.height, "\(name): height")
            XCTAssertEqual(decoded.mode, fixture.mode, "\(name): mode")
            XCTAssertEqual(decoded.exifOrientation, fixture.exifOrientation, "\(name): EXIF orientation")
            XCTAssertEqual(decoded.exifRotationApplied, (fixture.applyEXIF ?? true) && fixture.exifOrientation != 1,
                           "\(name): rotation flag")
            XCTAssertEqual(fnv1a64(decoded.image.pixels), fixture.rgbFNV1a64, "\(name): decoded RGB differs from Pillow's")
            XCTAssertEqual(!decoded.warnings.isEmpty, fixture.warning ?? false, "\(name): warnings \(decoded.warnings)")
        }
    }

    func testCropsMatchTorchvisionEveryPixel() throws {
        for fixture in try Fixtures.cases() where fixture.error == nil {
            guard let size = fixture.size, let cropFile = fixture.crop else { continue }
            let decoded = try ImageDecoder().decode(path: Fixtures.path(fixture.file), applyEXIF: fixture.applyEXIF ?? true)
            let result = preprocess(decoded.image, config: .openAI(size: size))
            let expected = try Fixtures.inflate(cropFile, size: size * size * 3)

            let differing = zip(result.crop.pixels, expected).filter { $0 != $1 }.count
            if let first = zip(result.crop.pixels, expected).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
                let pixel = first.offset / 3
                XCTFail("\(cropFile): \(differing) bytes differ; first at x=\(pixel % size) y=\(pixel / size) "
                    + "channel \(first.offset % 3): \(first.element.0) instead of \(first.element.1)")
            }
            XCTAssertEqual(result.crop.width, size, cropFile)
        }
    }

    func testTensorsMatchOpenCLIP() throws {
        var worst: Float = 0
        var worstFile = ""
        var compared = 0
        for fixture in try Fixtures.cases() where fixture.tensor != nil {
            guard let size = fixture.size, let tensorFile = fixture.tensor else { continue }
            let decoded = try ImageDecoder().decode(path: Fixtures.path(fixture.file), applyEXIF: fixture.applyEXIF ?? true)
            let result = preprocess(decoded.image, config: .openAI(size: size))
            let expected = try Fixtures.floats(tensorFile, count: 3 * size * size)
            XCTAssertEqual(result.tensor.count, expected.count, tensorFile)

            let difference = zip(result.tensor, expected).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(difference, 1e-6, "\(tensorFile): max |ours - open_clip|")
            if difference > worst || worstFile.isEmpty {
                worst = difference
                worstFile = tensorFile
            }
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 8)
        print("worst tensor difference from open_clip: \(worst) (\(worstFile), \(compared) tensors)")
    }
}
