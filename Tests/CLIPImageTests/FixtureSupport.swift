import CZlib
import Foundation
import XCTest

/// One entry of Fixtures/image_cases.json, written by tools/make_image_fixtures.py.
struct ImageCase: Decodable {
    let file: String
    let applyEXIF: Bool?
    let size: Int?
    let mode: String?
    let width: Int?
    let height: Int?
    let exifOrientation: Int?
    let rgbFNV1a64: String?
    let crop: String?
    let tensor: String?
    let warning: Bool?
    /// For the bad inputs: the ImageError case name, with the format after a colon.
    let error: String?
}

enum Fixtures {
    static var folder: URL {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            preconditionFailure("the Fixtures folder is missing from the test bundle")
        }
        return url
    }

    static func path(_ relative: String) -> String {
        folder.appendingPathComponent(relative).path
    }

    static func cases() throws -> [ImageCase] {
        let data = try Data(contentsOf: folder.appendingPathComponent("image_cases.json"))
        return try JSONDecoder().decode([ImageCase].self, from: data)
    }

    /// Inflates a zlib stream whose inflated size is known.
    static func inflate(_ relative: String, size: Int) throws -> [UInt8] {
        let compressed = [UInt8](try Data(contentsOf: folder.appendingPathComponent(relative)))
        var output = [UInt8](repeating: 0, count: size)
        var length = uLongf(size)
        let status = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &length, input.baseAddress, uLong(input.count))
            }
        }
        guard status == Z_OK, Int(length) == size else {
            throw NSError(domain: "Fixtures", code: Int(status),
                          userInfo: [NSLocalizedDescriptionKey: "\(relative): zlib status \(status), \(length) of \(size) bytes"])
        }
        return output
    }

    static func floats(_ relative: String, count: Int) throws -> [Float] {
        let bytes = try inflate(relative, size: count * 4)
        return stride(from: 0, to: bytes.count, by: 4).map { offset in
            Float(bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
                | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
        }
    }
}

/// FNV-1a, 64 bits, as hex: the hash the fixture script records for decoded pixels.
func fnv1a64(_ bytes: [UInt8]) -> String {
    var value: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    let hex = String(value, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
