import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A memory-mapped `.safetensors` file. The whole header is validated when the
/// file is opened, before any tensor byte is read. Checked are the 8-byte header
/// length, the JSON, and every dtype, shape and byte range: each range lies in
/// the data area, matches dtype x shape and overlaps no other tensor, and every
/// size is computed with overflow checks.
public final class SafetensorsFile: TensorSource, @unchecked Sendable {
    public let path: String
    public private(set) var tensors: [String: TensorInfo] = [:]
    /// String metadata from the header's `__metadata__` entry, such as `{"format": "pt"}`.
    public private(set) var metadata: [String: String] = [:]

    /// Largest header accepted; the format's reference reader uses the same 100 MB cap.
    static let maxHeaderBytes = 100_000_000

    private var byteRanges: [String: Range<Int>] = [:]
    private let mapping: UnsafeMutableRawPointer
    private let fileSize: Int
    /// Offset of the data area: 8 + header length.
    private let dataStart: Int

    /// Opens and validates `path`. Throws `CheckpointError` naming the file and the first problem found.
    public init(path: String) throws {
        self.path = path

        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw CheckpointError.fileNotFound(path: path) }
            throw CheckpointError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw CheckpointError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw CheckpointError.unreadable(path: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        guard size >= 8 else {
            throw CheckpointError.invalidHeader(path: path, reason: "file is \(size) bytes, shorter than the 8-byte header length")
        }

        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw CheckpointError.unreadable(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        mapping = mapped
        fileSize = size

        let headerLength = UInt64(littleEndian: UnsafeRawPointer(mapped).loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(size - 8) else {
            munmap(mapped, size)
            throw CheckpointError.invalidHeader(path: path, reason: "header length \(headerLength) exceeds the \(size - 8) bytes after the length field")
        }
        guard headerLength <= UInt64(Self.maxHeaderBytes) else {
            munmap(mapped, size)
            throw CheckpointError.invalidHeader(path: path, reason: "header length \(headerLength) exceeds the \(Self.maxHeaderBytes)-byte limit")
        }
        dataStart = 8 + Int(headerLength)

        do {
            let headerBytes = Data(bytes: mapped + 8, count: Int(headerLength))
            try parseHeader(headerBytes)
        } catch {
            munmap(mapped, size)
            throw error
        }
    }

    deinit {
        munmap(mapping, fileSize)
    }

    public func floats(_ name: String) throws -> [Float] {
        guard let info = tensors[name], let range = byteRanges[name] else {
            throw CheckpointError.missingTensor(path: path, tensor: name)
        }
        switch info.dtype {
        case .float32, .float16, .bfloat16:
            break
        default:
            throw CheckpointError.unsupportedDType(path: path, tensor: name, dtype: info.dtype.rawValue)
        }

        let count = range.count / info.dtype.byteCount
        let source = UnsafeRawPointer(mapping) + dataStart + range.lowerBound
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress {
                convertToFloat32(source, dtype: info.dtype, count: count, into: base)
            }
            initialized = count
        }
        releasePages(dataStart + range.lowerBound, dataStart + range.upperBound)
        return values
    }

    /// Returns a float32 tensor in place in the mapping, without copying, when it is
    /// stored as little-endian F32 at a 4-byte-aligned address; nil otherwise.
    func mappedFloat32(_ name: String) -> FloatStorage? {
        #if _endian(little)
        guard let info = tensors[name], info.dtype == .float32, let range = byteRanges[name] else { return nil }
        let address = UnsafeRawPointer(mapping) + dataStart + range.lowerBound
        guard Int(bitPattern: address) % MemoryLayout<Float>.alignment == 0 else { return nil }
        return FloatStorage(mapped: address.assumingMemoryBound(to: Float.self), count: range.count / 4, owner: self)
        #else
        return nil
        #endif
    }

    /// Drops the file pages of a tensor already converted from this process's
    /// resident set, so loading a model does not hold the file and the float32
    /// copy in memory at once. The pages stay in the kernel's page cache.
    private func releasePages(_ start: Int, _ end: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0 else { return }
        let alignedStart = (start + page - 1) / page * page
        let alignedEnd = end / page * page
        guard alignedEnd > alignedStart else { return }
        madvise(mapping + alignedStart, alignedEnd - alignedStart, MADV_DONTNEED)
    }

    // MARK: - Header validation

    private func parseHeader(_ bytes: Data) throws {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: bytes, options: [])
        } catch {
            throw CheckpointError.invalidHeader(path: path, reason: "header is not valid JSON")
        }
        guard let object = json as? [String: Any] else {
            throw CheckpointError.invalidHeader(path: path, reason: "header is not a JSON object")
        }

        let dataSize = fileSize - dataStart
        var spans: [(name: String, range: Range<Int>)] = []
        for (name, value) in object {
            if name == "__metadata__" {
                metadata = try parseMetadata(value)
                continue
            }
            let (info, range) = try parseEntry(name: name, value: value)
            tensors[name] = info
            byteRanges[name] = range
            spans.append((name, range))
        }

        // Data ending past the file is checked over all tensors at once, because a cut-off
        // download puts many tensors past the end and the first one found depends on dictionary order.
        if let last = spans.max(by: { ($0.range.upperBound, $1.name) < ($1.range.upperBound, $0.name) }),
           last.range.upperBound > dataSize {
            throw CheckpointError.truncatedFile(path: path, tensor: last.name, needed: last.range.upperBound, available: dataSize)
        }

        // Sorted by start, each non-empty range must begin at or after the previous one's end.
        spans.sort { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        var previous: (name: String, range: Range<Int>)?
        for span in spans where !span.range.isEmpty {
            if let before = previous, span.range.lowerBound < before.range.upperBound {
                throw CheckpointError.invalidHeader(
                    path: path,
                    reason: "tensors '\(before.name)' (bytes \(before.range.lowerBound)..<\(before.range.upperBound)) and '\(span.name)' (bytes \(span.range.lowerBound)..<\(span.range.upperBound)) overlap")
            }
            previous = span
        }
    }

    private func parseMetadata(_ value: Any) throws -> [String: String] {
        guard let entries = value as? [String: Any] else {
            throw CheckpointError.invalidHeader(path: path, reason: "__metadata__ is not an object")
        }
        var result: [String: String] = [:]
        for (key, entry) in entries {
            guard let text = entry as? String else {
                throw CheckpointError.invalidHeader(path: path, reason: "__metadata__ value for '\(key)' is not a string")
            }
            result[key] = text
        }
        return result
    }

    private func parseEntry(name: String, value: Any) throws -> (TensorInfo, Range<Int>) {
        func invalid(_ reason: String) -> CheckpointError {
            .invalidHeader(path: path, reason: "tensor '\(name)': \(reason)")
        }

        guard let entry = value as? [String: Any] else { throw invalid("entry is not an object") }
        guard let dtypeName = entry["dtype"] as? String else { throw invalid("missing or non-string dtype") }
        guard let dtype = TensorDType(rawValue: dtypeName) else {
            throw CheckpointError.unsupportedDType(path: path, tensor: name, dtype: dtypeName)
        }
        guard let shapeValues = entry["shape"] as? [Any] else { throw invalid("missing or non-array shape") }
        guard let offsetValues = entry["data_offsets"] as? [Any], offsetValues.count == 2 else {
            throw invalid("data_offsets must be an array of two integers")
        }

        var shape: [Int] = []
        var elementCount = 1
        for dimension in shapeValues {
            guard let size = jsonInteger(dimension), size >= 0 else {
                throw invalid("shape \(shapeValues) has a dimension that is not a non-negative integer")
            }
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: size)
            guard !overflow else { throw invalid("shape \(shapeValues) overflows the element count") }
            shape.append(size)
            elementCount = product
        }
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteCount)
        guard !overflow else { throw invalid("shape \(shape) overflows the byte count") }

        guard let begin = jsonInteger(offsetValues[0]), let end = jsonInteger(offsetValues[1]),
              begin >= 0, end >= begin else {
            throw invalid("data_offsets \(offsetValues) are not two increasing non-negative integers")
        }
        guard end - begin == byteCount else {
            throw invalid("data_offsets span \(end - begin) bytes but \(dtype.rawValue) \(shape) needs \(byteCount)")
        }
        return (TensorInfo(name: name, dtype: dtype, shape: shape), begin..<end)
    }
}

/// Returns the value as an Int when the JSON contains an integer literal, which
/// excludes a Bool and a number written with a fraction or exponent.
func jsonInteger(_ value: Any) -> Int? {
    guard let number = value as? NSNumber else { return nil }
    // Foundation's JSON parser tags integers "i"/"q", Bools "c" and other numbers "d".
    let kind = String(cString: number.objCType)
    guard kind == "i" || kind == "q" || kind == "l" || kind == "s" else { return nil }
    return number.intValue
}
