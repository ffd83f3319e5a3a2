import XCTest
@testable import CLIPModel

final class SafetensorsFileTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = try temporaryFolder(self)
    }

    /// Writes a raw file and returns the header error's reason, failing the test when opening succeeds.
    func headerError(_ header: String, data: [UInt8] = [], declaredLength: UInt64? = nil,
                     file: StaticString = #filePath, line: UInt = #line) -> CheckpointError? {
        let url = folder.appendingPathComponent("t.safetensors")
        do {
            try SafetensorsWriter.writeRaw(header: header, data: data, to: url, declaredLength: declaredLength)
            _ = try SafetensorsFile(path: url.path)
            XCTFail("opened a malformed file: \(header)", file: file, line: line)
            return nil
        } catch let error as CheckpointError {
            return error
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    func reason(_ error: CheckpointError?) -> String {
        guard case .invalidHeader(_, let reason) = error else { return "not invalidHeader: \(String(describing: error))" }
        return reason
    }

    func testReadsF32F16BF16() throws {
        // F16: 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal), +inf. BF16: 1.0, -0.5.
        let f16: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00]
        let bf16: [UInt16] = [0x3F80, 0xBF00]
        var data: [UInt8] = []
        for bits in f16 + bf16 { data += [UInt8(bits & 0xFF), UInt8(bits >> 8)] }
        for value: Float in [3.25, -1e-30] {
            let bits = value.bitPattern
            data += [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
        }
        let header = """
        {"__metadata__":{"format":"pt"},"h":{"dtype":"F16","shape":[5],"data_offsets":[0,10]},\
        "b":{"dtype":"BF16","shape":[2,1],"data_offsets":[10,14]},"f":{"dtype":"F32","shape":[2],"data_offsets":[14,22]}}
        """
        let url = folder.appendingPathComponent("ok.safetensors")
        try SafetensorsWriter.writeRaw(header: header, data: data, to: url)

        let file = try SafetensorsFile(path: url.path)
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(file.tensors["b"], TensorInfo(name: "b", dtype: .bfloat16, shape: [2, 1]))
        XCTAssertEqual(try file.floats("h"), [1, -2, 65504, Float(sign: .plus, exponent: -24, significand: 1), .infinity])
        XCTAssertEqual(try file.floats("b"), [1, -0.5])
        XCTAssertEqual(try file.floats("f"), [3.25, -1e-30])
    }

    func testHalfConversionMatchesSwiftFloat16() {
        // Every finite half value, against the standard library's conversion.
        for bits in UInt16.min...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = floatFromHalf(bits)
            if expected.isNaN {
                XCTAssertTrue(actual.isNaN, "half 0x\(String(bits, radix: 16))")
            } else if actual != expected {
                XCTFail("half 0x\(String(bits, radix: 16)): \(actual) != \(expected)")
                return
            }
        }
    }

    func testShortFileRejected() throws {
        let url = folder.appendingPathComponent("short.safetensors")
        try Data([1, 2, 3]).write(to: url)
        XCTAssertThrowsError(try SafetensorsFile(path: url.path)) { error in
            XCTAssertTrue(self.reason(error as? CheckpointError).contains("shorter than the 8-byte header length"))
        }
    }

    func testMissingFileReported() {
        let path = folder.appendingPathComponent("absent.safetensors").path
        XCTAssertThrowsError(try SafetensorsFile(path: path)) { error in
            XCTAssertEqual(error as? CheckpointError, .fileNotFound(path: path))
        }
    }

    func testHeaderLengthPastEndRejected() {
        XCTAssertTrue(reason(headerError("{}", declaredLength: 1 << 40)).contains("exceeds the 2 bytes after the length field"))
        XCTAssertTrue(reason(headerError("{}", declaredLength: UInt64.max)).contains("exceeds"))
    }

    func testHeaderNotJSONRejected() {
        XCTAssertEqual(reason(headerError("{\"a\": ")), "header is not valid JSON")
        XCTAssertEqual(reason(headerError("[1, 2]")), "header is not a JSON object")
    }

    func testUnknownDTypeRejected() {
        let error = headerError(#"{"x":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}"#, data: [0])
        XCTAssertEqual(error, .unsupportedDType(path: folder.appendingPathComponent("t.safetensors").path, tensor: "x", dtype: "F8_E4M3"))
    }

    func testNegativeOrNonIntegerShapeRejected() {
        XCTAssertTrue(reason(headerError(#"{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#)).contains("not a non-negative integer"))
        XCTAssertTrue(reason(headerError(#"{"x":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])).contains("not a non-negative integer"))
        XCTAssertTrue(reason(headerError(#"{"x":{"dtype":"F32","shape":[true],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])).contains("not a non-negative integer"))
    }

    func testShapeOverflowRejected() {
        let header = #"{"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#
        XCTAssertTrue(reason(headerError(header, data: [0, 0, 0, 0])).contains("overflows the element count"))
        let bytes = #"{"x":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,4]}}"#
        XCTAssertTrue(reason(headerError(bytes, data: [0, 0, 0, 0])).contains("overflows the byte count"))
    }

    func testOffsetsOutsideDataRejected() {
        let header = #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        XCTAssertEqual(headerError(header, data: [0, 0, 0, 0]),
                       .truncatedFile(path: folder.appendingPathComponent("t.safetensors").path, tensor: "x", needed: 8, available: 4))
        let reversed = #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#
        XCTAssertTrue(reason(headerError(reversed, data: [0, 0, 0, 0])).contains("not two increasing non-negative integers"))
        let missing = #"{"x":{"dtype":"F32","shape":[1]}}"#
        XCTAssertTrue(reason(headerError(missing, data: [0, 0, 0, 0])).contains("data_offsets must be an array of two integers"))
    }

    func testTruncatedFileReported() throws {
        // The tensor with the largest end offset is named every time, whatever the dictionary order.
        let url = folder.appendingPathComponent("model.safetensors")
        try SafetensorsWriter.rewrite(modelPath("openai-bf16-bare.safetensors"), to: url)
        let complete = try Data(contentsOf: url)
        // The writer stores F32 tensors back to back in name order, so the last name ends the data.
        let file = try SafetensorsFile(path: url.path)
        let dataSize = file.tensors.values.reduce(0) { $0 + $1.elementCount * 4 }
        let lastTensor = try XCTUnwrap(file.tensors.keys.max())
        try complete.prefix(complete.count - 1000).write(to: url)
        for _ in 0..<3 {
            XCTAssertThrowsError(try SafetensorsFile(path: url.path)) { error in
                guard case .truncatedFile(let path, let tensor, let needed, let available) = error as? CheckpointError else {
                    return XCTFail("not reported as truncated: \(error)")
                }
                XCTAssertEqual(path, url.path)
                XCTAssertEqual(needed, dataSize)
                XCTAssertEqual(available, dataSize - 1000)
                XCTAssertEqual(tensor, lastTensor)
                let message = (error as? LocalizedError)?.errorDescription ?? ""
                XCTAssertTrue(message.hasPrefix("\(url.path) is truncated: its header needs \(dataSize) bytes of tensor data"), message)
                XCTAssertTrue(message.hasSuffix("but the file has \(dataSize - 1000); download or copy it again"), message)
            }
        }
    }

    func testOffsetsSizeMismatchRejected() {
        let header = #"{"x":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}}"#
        XCTAssertTrue(reason(headerError(header, data: [UInt8](repeating: 0, count: 8))).contains("span 8 bytes but F16 [3] needs 6"))
    }

    func testOverlappingTensorsRejected() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        XCTAssertTrue(reason(headerError(header, data: [UInt8](repeating: 0, count: 8))).contains("overlap"))
    }

    func testNonStringMetadataRejected() {
        XCTAssertTrue(reason(headerError(#"{"__metadata__":{"format":1}}"#)).contains("is not a string"))
    }

    func testCorruptedHeadersNeverTrap() throws {
        // Flip random header bytes of a valid file: every variant must open and read
        // cleanly or throw CheckpointError, never trap.
        let url = folder.appendingPathComponent("valid.safetensors")
        try SafetensorsWriter.write([
            .init(name: "a", shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
            .init(name: "b", shape: [4], values: [7, 8, 9, 10]),
        ], to: url)
        let original = [UInt8](try Data(contentsOf: url))
        var generator = SplitMix64(seed: 42)
        let target = folder.appendingPathComponent("mutated.safetensors")
        for _ in 0..<400 {
            var bytes = original
            for _ in 0..<Int(generator.next() % 4 + 1) {
                let position = Int(generator.next() % UInt64(min(bytes.count, 120)))
                bytes[position] = UInt8(truncatingIfNeeded: generator.next())
            }
            try Data(bytes).write(to: target)
            do {
                let file = try SafetensorsFile(path: target.path)
                for name in file.tensors.keys { _ = try? file.floats(name) }
            } catch {
                XCTAssertTrue(error is CheckpointError, "unexpected error type \(error)")
            }
        }
    }

    func testIntegerTensorNotReadAsWeights() throws {
        let url = folder.appendingPathComponent("ids.safetensors")
        try SafetensorsWriter.writeRaw(header: #"{"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#,
                                       data: [UInt8](repeating: 0, count: 8), to: url)
        let file = try SafetensorsFile(path: url.path)
        XCTAssertThrowsError(try file.floats("ids")) { error in
            XCTAssertEqual(error as? CheckpointError, .unsupportedDType(path: url.path, tensor: "ids", dtype: "I64"))
        }
        XCTAssertThrowsError(try file.floats("absent")) { error in
            XCTAssertEqual(error as? CheckpointError, .missingTensor(path: url.path, tensor: "absent"))
        }
    }
}

/// A small deterministic generator, so a failing mutation can be replayed.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
