import XCTest
@testable import CLIPImage

final class EXIFOrientationTests: XCTestCase {
    private func tiff(bigEndian: Bool, type: UInt16, value: UInt32, entryOffset: UInt32 = 8) -> [UInt8] {
        func u16(_ v: UInt16) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: UInt32) -> [UInt8] {
            let bytes = [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
            return bigEndian ? bytes : bytes.reversed()
        }
        var block: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        block += u16(42) + u32(entryOffset) + u16(1)
        block += u16(0x0112) + u16(type) + u32(1)
        block += type == 3 ? u16(UInt16(value)) + [0, 0] : u32(value)
        return block + u32(0)
    }

    func testShortInBothByteOrders() {
        XCTAssertEqual(EXIFOrientation.parse(tiff: tiff(bigEndian: true, type: 3, value: 6)), 6)
        XCTAssertEqual(EXIFOrientation.parse(tiff: tiff(bigEndian: false, type: 3, value: 8)), 8)
        XCTAssertEqual(EXIFOrientation.parse(tiff: Array("Exif\0\0".utf8) + tiff(bigEndian: false, type: 3, value: 3)), 3)
    }

    func testLongValueAccepted() {
        XCTAssertEqual(EXIFOrientation.parse(tiff: tiff(bigEndian: true, type: 4, value: 5)), 5)
    }

    func testHostileOffsetsGiveNil() {
        XCTAssertNil(EXIFOrientation.parse(tiff: tiff(bigEndian: true, type: 3, value: 6, entryOffset: 0xFFFF_FFF0)))
        XCTAssertNil(EXIFOrientation.parse(tiff: tiff(bigEndian: false, type: 3, value: 6, entryOffset: 0x7FFF_FFFF)))
        XCTAssertNil(EXIFOrientation.parse(tiff: [0x4D, 0x4D, 0, 42]))
        XCTAssertNil(EXIFOrientation.parse(tiff: []))
    }

    func testEveryTruncationAndRandomBlockIsSafe() {
        let block = tiff(bigEndian: true, type: 3, value: 6)
        // The value ends at byte 20; the next-IFD offset after it is not needed.
        for length in 0..<block.count {
            let parsed = EXIFOrientation.parse(tiff: Array(block[..<length]))
            XCTAssertEqual(parsed, length >= 20 ? 6 : nil, "length \(length)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var bytes = (0..<Int.random(in: 0..<64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if bytes.count > 4 { bytes[0] = 0x4D; bytes[1] = 0x4D; bytes[2] = 0; bytes[3] = 42 }
            _ = EXIFOrientation.parse(tiff: bytes)
            _ = EXIFOrientation.jpegEXIF([0xFF, 0xD8] + bytes)
            _ = EXIFOrientation.pngEXIF(Array(repeating: 0, count: 8) + bytes)
            _ = EXIFOrientation.webpEXIF(Array(repeating: 0, count: 12) + bytes)
        }
    }

    func testOutOfRangeOrientationIsIgnored() throws {
        // A JPEG whose APP1 contains orientation 9 reads as 1, because Pillow ignores it.
        let app1 = Array("Exif\0\0".utf8) + tiff(bigEndian: true, type: 3, value: 9)
        let segment: [UInt8] = [0xFF, 0xE1, UInt8((app1.count + 2) >> 8), UInt8((app1.count + 2) & 0xFF)] + app1
        XCTAssertEqual(EXIFOrientation.read(from: [0xFF, 0xD8] + segment + [0xFF, 0xD9], format: .jpeg), 1)
    }

    func testTransposeOfTwoByThree() {
        // Pixel values 0...5 in the red channel, row-major, 2 wide and 3 high.
        let image = RGBImage(width: 2, height: 3, pixels: (0..<6).flatMap { index -> [UInt8] in [UInt8(index), 0, 0] })
        func reds(_ orientation: Int) -> [UInt8] {
            let out = image.applyingEXIFOrientation(orientation)
            return stride(from: 0, to: out.pixels.count, by: 3).map { out.pixels[$0] }
        }
        XCTAssertEqual(reds(1), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(reds(2), [1, 0, 3, 2, 5, 4])
        XCTAssertEqual(reds(3), [5, 4, 3, 2, 1, 0])
        XCTAssertEqual(reds(4), [4, 5, 2, 3, 0, 1])
        XCTAssertEqual(reds(5), [0, 2, 4, 1, 3, 5])
        XCTAssertEqual(reds(6), [4, 2, 0, 5, 3, 1])
        XCTAssertEqual(reds(7), [5, 3, 1, 4, 2, 0])
        XCTAssertEqual(reds(8), [1, 3, 5, 0, 2, 4])
    }
}
