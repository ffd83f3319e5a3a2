import Foundation
import XCTest
@testable import CLIPModel

/// Checks the torch.save and torch.jit.save readers against the values that
/// tools/make_torch_fixtures.py recorded from PyTorch in expected.json and values.f32.
final class TorchCheckpointTests: XCTestCase {
    private struct ExpectedTensor {
        let dtype: String
        let shape: [Int]
        let values: [Float]
    }

    private var folder: String {
        Bundle.module.resourcePath.map { $0 + "/Fixtures/torch" } ?? "Fixtures/torch"
    }

    private func loadJSON(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(name) is not a JSON object")
    }

    private func expected(_ file: String) throws -> [String: ExpectedTensor] {
        let files = try XCTUnwrap(try loadJSON("expected.json")["files"] as? [String: Any])
        let tensors = try XCTUnwrap(files[file] as? [String: [String: Any]], "expected.json has no entry for \(file)")
        let values = try Data(contentsOf: URL(fileURLWithPath: folder + "/values.f32"))
        return try tensors.mapValues { entry in
            let offset = try XCTUnwrap(entry["offset"] as? Int)
            let count = try XCTUnwrap(entry["count"] as? Int)
            XCTAssertLessThanOrEqual((offset + count) * 4, values.count, "values.f32 is shorter than expected.json says")
            let floats = values.withUnsafeBytes { raw in
                (offset..<min(offset + count, values.count / 4)).map {
                    Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
                }
            }
            return ExpectedTensor(dtype: try XCTUnwrap(entry["dtype"] as? String),
                                  shape: try XCTUnwrap(entry["shape"] as? [Int]), values: floats)
        }
    }

    /// Opens `file` and compares names, dtypes, shapes and every value bit for bit.
    private func assertMatchesPyTorch(_ file: String, line: UInt = #line) throws {
        let source = try TorchCheckpoint.open(path: folder + "/" + file)
        let expected = try expected(file)
        XCTAssertEqual(Set(source.tensors.keys), Set(expected.keys), "\(file): tensor names", line: line)

        for (name, want) in expected.sorted(by: { $0.key < $1.key }) {
            let info = try XCTUnwrap(source.tensors[name], "\(file): missing \(name)", line: line)
            XCTAssertEqual(info.dtype.rawValue, want.dtype, "\(file): dtype of \(name)", line: line)
            XCTAssertEqual(info.shape, want.shape, "\(file): shape of \(name)", line: line)
            let values = try source.floats(name)
            XCTAssertEqual(values.count, want.values.count, "\(file): element count of \(name)", line: line)
            for (index, (got, value)) in zip(values, want.values).enumerated() where got.bitPattern != value.bitPattern {
                XCTFail("\(file): \(name)[\(index)] is \(got), PyTorch has \(value)", line: line)
                break
            }
        }
    }

    // MARK: - Valid archives

    func testStateDictFloat32() throws { try assertMatchesPyTorch("state_f32.pt") }
    func testStateDictFloat16() throws { try assertMatchesPyTorch("state_f16.pt") }
    func testStateDictBFloat16() throws { try assertMatchesPyTorch("state_bf16.pt") }
    func testDeflateEntries() throws { try assertMatchesPyTorch("state_f32_deflate.pt") }
    func testZip64Archive() throws { try assertMatchesPyTorch("state_f32_zip64.pt") }
    func testModuleStateDictWithMetadata() throws { try assertMatchesPyTorch("pytorch_model.bin") }
    func testOpenCLIPTrainingCheckpoint() throws { try assertMatchesPyTorch("openclip_epoch_3.pt") }
    func testShardedIndex() throws { try assertMatchesPyTorch("sharded/pytorch_model.bin.index.json") }
    func testTorchScriptArchive() throws { try assertMatchesPyTorch("scripted.pt") }

    func testOpenAITracedArchive() throws { try assertMatchesPyTorch("openai_traced.pt") }

    func testTorchScriptArchiveIsMarked() throws {
        let source = try XCTUnwrap(try TorchCheckpoint.open(path: folder + "/scripted.pt") as? TorchArchiveSource)
        XCTAssertTrue(source.isTorchScript)
    }

    func testMappedFloat32MatchesCopy() throws {
        for file in ["state_f32.pt", "state_f32_zip64.pt", "pytorch_model.bin"] {
            let source = try XCTUnwrap(try TorchCheckpoint.open(path: folder + "/" + file) as? TorchArchiveSource)
            let expected = try expected(file)
            var mappedCount = 0
            for (name, want) in expected where want.dtype == "F32" {
                guard let mapped = try source.mappedFloat32(name) else { continue }
                mappedCount += 1
                let values = mapped.withUnsafeBufferPointer { Array($0) }
                XCTAssertEqual(values.map(\.bitPattern), want.values.map(\.bitPattern), "\(file): mapped \(name)")
            }
            XCTAssertGreaterThan(mappedCount, 0, "\(file): some tensors should be mapped in place")
        }
    }

    func testMappedFloat32SkipsViewsAndDeflate() throws {
        let source = try XCTUnwrap(try TorchCheckpoint.open(path: folder + "/state_f32.pt") as? TorchArchiveSource)
        XCTAssertNil(try source.mappedFloat32("linear.weight_t"), "a transposed view is copied, not mapped")
        XCTAssertNil(try source.mappedFloat32("linear.slice"), "a strided slice is copied, not mapped")
        let deflated = try XCTUnwrap(try TorchCheckpoint.open(path: folder + "/state_f32_deflate.pt") as? TorchArchiveSource)
        XCTAssertNil(try deflated.mappedFloat32("linear.weight"), "a deflate entry cannot be mapped")
    }

    func testMappedFloat32ChecksCRC() throws {
        let source = try XCTUnwrap(try TorchCheckpoint.open(path: folder + "/hostile_bad_crc.pt") as? TorchArchiveSource)
        XCTAssertThrowsError(try source.mappedFloat32("linear.weight")) { error in
            XCTAssertTrue((error as? CheckpointError)?.errorDescription?.contains("CRC-32") ?? false, "\(error)")
        }
    }

    func testMissingTensorNamesTensor() throws {
        let source = try TorchCheckpoint.open(path: folder + "/state_f32.pt")
        XCTAssertThrowsError(try source.floats("no.such.tensor")) { error in
            XCTAssertEqual(error as? CheckpointError, .missingTensor(path: folder + "/state_f32.pt", tensor: "no.such.tensor"))
        }
    }

    func testMissingFileIsReported() {
        XCTAssertThrowsError(try TorchCheckpoint.open(path: folder + "/absent.pt")) { error in
            XCTAssertEqual(error as? CheckpointError, .fileNotFound(path: folder + "/absent.pt"))
        }
    }

    // MARK: - Hostile archives

    func testHostileArchivesAreRejected() throws {
        let cases = try loadJSON("hostile.json")
        XCTAssertGreaterThanOrEqual(cases.count, 10, "hostile.json lists too few cases")
        for (file, value) in cases.sorted(by: { $0.key < $1.key }) {
            let entry = try XCTUnwrap(value as? [String: String])
            let kind = try XCTUnwrap(entry["error"])
            let fragment = try XCTUnwrap(entry["contains"])
            let path = folder + "/" + file

            var thrown: Error?
            do {
                let source = try TorchCheckpoint.open(path: path)
                let tensor = try XCTUnwrap(entry["onRead"], "\(file) opened but should have been rejected")
                _ = try source.floats(tensor)
                XCTFail("\(file): reading \(tensor) should have failed")
            } catch {
                thrown = error
            }

            let error = try XCTUnwrap(thrown as? CheckpointError, "\(file): \(String(describing: thrown))")
            let message = error.errorDescription ?? ""
            switch (kind, error) {
            case ("forbiddenGlobal", .forbiddenGlobal), ("invalidArchive", .invalidArchive):
                break
            default:
                XCTFail("\(file): expected \(kind), got \(message)")
            }
            XCTAssertTrue(message.contains(fragment), "\(file): message '\(message)' lacks '\(fragment)'")
            XCTAssertTrue(message.hasPrefix(path), "\(file): message '\(message)' does not start with the path")
        }
    }

    func testForbiddenGlobalNamesModuleAndFunction() {
        XCTAssertThrowsError(try TorchCheckpoint.open(path: folder + "/hostile_posix_system.pt")) { error in
            XCTAssertEqual(error as? CheckpointError,
                           .forbiddenGlobal(path: folder + "/hostile_posix_system.pt", module: "posix", name: "system"))
        }
    }
}

/// Unit cases for the unpickler that a torch.save fixture cannot produce.
final class TorchUnpicklerTests: XCTestCase {
    private func unpickle(_ bytes: [UInt8], torchScript: Bool = false) throws -> PickleValue {
        var unpickler = RestrictedUnpickler(path: "test.pkl", allowsTorchScriptClasses: torchScript) { _ in
            throw CheckpointError.invalidArchive(path: "test.pkl", reason: "no storages here")
        }
        return try unpickler.load(bytes)
    }

    private func message(_ bytes: [UInt8], torchScript: Bool = false) -> String {
        do {
            _ = try unpickle(bytes, torchScript: torchScript)
            return "no error"
        } catch {
            return (error as? LocalizedError)?.errorDescription ?? "\(error)"
        }
    }

    func testPlainValues() throws {
        // {'a': [1, -2, 300000, 2**40, 1.5, 'x', None, True]} written by pickle.dumps(protocol=2).
        let bytes: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x00, 0x58, 0x01, 0x00, 0x00, 0x00, 0x61, 0x71, 0x01, 0x5D, 0x71, 0x02,
                              0x28, 0x4B, 0x01, 0x4A, 0xFE, 0xFF, 0xFF, 0xFF, 0x4A, 0xE0, 0x93, 0x04, 0x00, 0x8A, 0x06, 0x00,
                              0x00, 0x00, 0x00, 0x00, 0x01, 0x47, 0x3F, 0xF8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x58, 0x01,
                              0x00, 0x00, 0x00, 0x78, 0x71, 0x03, 0x4E, 0x88, 0x65, 0x73, 0x2E]
        guard case .dict(let dict) = try unpickle(bytes), case .list(let list)? = dict["a"] else {
            return XCTFail("expected a dict holding a list")
        }
        let rendered = list.items.map { item -> String in
            switch item {
            case .int(let value): return "\(value)"
            case .float(let value): return "\(value)"
            case .string(let value): return value
            case .none: return "None"
            case .bool(let value): return "\(value)"
            default: return item.typeName
            }
        }
        XCTAssertEqual(rendered, ["1", "-2", "300000", "1099511627776", "1.5", "x", "None", "true"])
    }

    func testStackGlobalIsChecked() {
        // SHORT_BINUNICODE 'os', SHORT_BINUNICODE 'system', STACK_GLOBAL, STOP (protocol 4).
        let bytes: [UInt8] = [0x80, 0x04, 0x8C, 0x02, 0x6F, 0x73, 0x8C, 0x06] + Array("system".utf8) + [0x93, 0x2E]
        XCTAssertEqual(message(bytes), "test.pkl: rejected pickle global 'os.system': only state-dict types (tensors, storages, OrderedDict) are loaded, and nothing in the file is executed")
    }

    func testTorchScriptClassOutsideTorchScript() {
        let bytes: [UInt8] = [0x80, 0x02, 0x63] + Array("__torch__\nM\n".utf8) + [0x29, 0x81, 0x2E]
        XCTAssertTrue(message(bytes).contains("'__torch__.M'"), message(bytes))
        XCTAssertEqual(message(bytes, torchScript: true), "no error")
    }

    func testSelfContainingListIsRejected() {
        // EMPTY_LIST, BINPUT 0, EMPTY_LIST, BINGET 0, APPEND, APPEND: the outer list would contain itself.
        let bytes: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0x00, 0x5D, 0x68, 0x00, 0x61, 0x61, 0x2E]
        XCTAssertTrue(message(bytes).contains("recursive"), message(bytes))
    }

    func testTruncatedStream() {
        XCTAssertTrue(message([0x80, 0x02, 0x58, 0xFF, 0x00, 0x00, 0x00, 0x61]).contains("declares a 255-byte value"))
        XCTAssertTrue(message([0x80, 0x02, 0x4E]).contains("without STOP"))
    }

    func testUnsupportedOpcodes() {
        // INST (protocol 0) would call a class by name; it is never accepted.
        XCTAssertTrue(message([0x80, 0x02, 0x69]).contains("unsupported pickle opcode 0x69"))
    }

    func testMemoReadBeforeWrite() {
        XCTAssertTrue(message([0x80, 0x02, 0x68, 0x05, 0x2E]).contains("memo entry 5"))
    }

    func testHalfConversionEdgeCases() {
        XCTAssertEqual(TorchTensorCopy.halfToFloat(0x3C00), 1)
        XCTAssertEqual(TorchTensorCopy.halfToFloat(0xC000), -2)
        XCTAssertEqual(TorchTensorCopy.halfToFloat(0x7BFF), 65504)
        XCTAssertEqual(TorchTensorCopy.halfToFloat(0x0001), Float(sign: .plus, exponent: -24, significand: 1))
        XCTAssertEqual(TorchTensorCopy.halfToFloat(0x8001), -Float(sign: .plus, exponent: -24, significand: 1))
        XCTAssertEqual(TorchTensorCopy.halfToFloat(0x7C00), .infinity)
        XCTAssertTrue(TorchTensorCopy.halfToFloat(0x7E00).isNaN)
    }
}
