import XCTest
@testable import CLIPImage

final class PreprocessTests: XCTestCase {
    func testResizedSizeTruncatesLongSide() {
        // torchvision: int(224 * 451 / 300) = int(336.74...) = 336.
        XCTAssertTrue(resizedSize(width: 451, height: 300, shortestSide: 224) == (336, 224))
        XCTAssertTrue(resizedSize(width: 17, height: 999, shortestSide: 64) == (64, 3760))
        XCTAssertTrue(resizedSize(width: 1, height: 1, shortestSide: 224) == (224, 224))
    }

    func testCenterCropRoundsHalfToEven() {
        // One spare column: round(0.5) = 0; three spare: round(1.5) = 2.
        let row = (0..<5).flatMap { index -> [UInt8] in [UInt8(index), 0, 0] }
        let image = RGBImage(width: 5, height: 1, pixels: row)
        XCTAssertEqual(image.centerCropped(size: 1).pixels[0], 2)
        let four = RGBImage(width: 4, height: 4, pixels: (0..<16).flatMap { index -> [UInt8] in [UInt8(index), 0, 0] })
        XCTAssertEqual(four.centerCropped(size: 3).pixels[0], 0)
        XCTAssertEqual(four.centerCropped(size: 1).pixels[0], 10)
    }

    func testCenterCropPadsShortSideWithZeros() {
        let image = RGBImage(width: 1, height: 1, pixels: [9, 9, 9])
        let crop = image.centerCropped(size: 3)
        XCTAssertEqual(crop.pixels.filter { $0 == 9 }.count, 3)
        XCTAssertEqual(Array(crop.pixels[12..<15]), [9, 9, 9])
    }

    func testNormalizationUsesFloat32Steps() {
        let image = RGBImage(width: 1, height: 1, pixels: [0, 128, 255])
        let tensor = preprocess(image, config: PreprocessConfig(resizeShortestSide: 1, cropSize: 1,
                                                               mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])).tensor
        XCTAssertEqual(tensor, [-1, (Float(128) / 255 - 0.5) / 0.5, 1])
    }

    func testResizeKeepsConstantImageConstant() {
        let image = RGBImage(width: 37, height: 23, pixels: [UInt8](repeating: 200, count: 37 * 23 * 3))
        for (width, height) in [(5, 3), (100, 71), (37, 5), (3, 23)] {
            let resized = image.resizedBicubic(width: width, height: height)
            XCTAssertEqual(Set(resized.pixels), [200], "\(width)x\(height)")
        }
    }
}

final class ResizeWindowTests: XCTestCase {
    func testWindowEqualsCropOfFullResize() {
        var generator = SystemRandomNumberGenerator()
        let image = RGBImage(width: 53, height: 31, pixels: (0..<(53 * 31 * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        for (width, height, columns, rows) in [(20, 12, 3..<15, 2..<12), (53, 90, 10..<40, 0..<90), (120, 31, 0..<7, 5..<6), (9, 9, 0..<9, 0..<9)] {
            let full = image.resizedBicubic(width: width, height: height)
            let window = image.resizedBicubic(width: width, height: height, columns: columns, rows: rows)
            XCTAssertEqual(window, full.cropped(columns: columns, rows: rows), "\(width)x\(height) window \(columns) x \(rows)")
        }
    }
}

final class PreprocessConfigTests: XCTestCase {
    func testOpenAIConfigIsValid() {
        XCTAssertNoThrow(try PreprocessConfig.openAI.validate(source: "built-in"))
    }

    func testInvalidConfigsRejected() {
        let bad: [PreprocessConfig] = [
            PreprocessConfig(resizeShortestSide: 0, cropSize: 224, mean: [0, 0, 0], std: [1, 1, 1]),
            PreprocessConfig(resizeShortestSide: 224, cropSize: 5000, mean: [0, 0, 0], std: [1, 1, 1]),
            PreprocessConfig(resizeShortestSide: 224, cropSize: 224, mean: [0.5], std: [1, 1, 1]),
            PreprocessConfig(resizeShortestSide: 224, cropSize: 224, mean: [0, 0, 0], std: [1, 0, 1]),
            PreprocessConfig(resizeShortestSide: 224, cropSize: 224, mean: [.nan, 0, 0], std: [1, 1, 1]),
        ]
        for config in bad {
            XCTAssertThrowsError(try config.validate(source: "preprocessor_config.json"), "\(config)") { error in
                XCTAssertTrue((error as? ImageError)?.errorDescription?.hasPrefix("preprocessor_config.json: invalid image preprocessing config: ") ?? false,
                              "\(error)")
            }
        }
    }

    func testResizeLargerThanCrop() {
        var generator = SystemRandomNumberGenerator()
        let image = RGBImage(width: 41, height: 29, pixels: (0..<(41 * 29 * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let config = PreprocessConfig(resizeShortestSide: 20, cropSize: 16, mean: [0, 0, 0], std: [1, 1, 1])
        let expected = image.resizedBicubic(width: 28, height: 20).centerCropped(size: 16)
        XCTAssertEqual(preprocess(image, config: config).crop, expected)
    }
}

final class PreprocessWindowTests: XCTestCase {
    func testPaddedCropMatchesFullResizeThenCrop() {
        var generator = SystemRandomNumberGenerator()
        let image = RGBImage(width: 7, height: 3, pixels: (0..<(7 * 3 * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let config = PreprocessConfig(resizeShortestSide: 4, cropSize: 11, mean: [0, 0, 0], std: [1, 1, 1])
        let (width, height) = resizedSize(width: 7, height: 3, shortestSide: 4)
        XCTAssertEqual(preprocess(image, config: config).crop, image.resizedBicubic(width: width, height: height).centerCropped(size: 11))
    }

    func testExtremeAspectRatioComputesOnlyTheCrop() {
        // 1 x 100000 resizes to 224 x 22400000; only the 224 x 224 crop is computed.
        let image = RGBImage(width: 1, height: 100_000, pixels: [UInt8](repeating: 77, count: 300_000))
        let result = preprocess(image, config: .openAI)
        XCTAssertEqual(result.crop.width, 224)
        XCTAssertEqual(Set(result.crop.pixels), [77])
    }
}
