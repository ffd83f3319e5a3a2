import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A read-only file read with `pread`, so a multi-gigabyte checkpoint is never
/// loaded whole and concurrent reads need no shared file position.
final class TorchArchiveFile: @unchecked Sendable {
    let path: String
    let size: Int
    private let descriptor: Int32

    init(path: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { throw CheckpointError.fileNotFound(path: path) }
            throw CheckpointError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw CheckpointError.unreadable(path: path, reason: "not a regular file")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CheckpointError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.descriptor = descriptor
        self.size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// Reads `count` bytes at `offset`; the range must lie inside the file.
    func read(offset: Int, count: Int) throws -> [UInt8] {
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard offset >= 0, count >= 0, !overflow, end <= size else {
            throw CheckpointError.invalidArchive(path: path, reason: "read of \(count) bytes at offset \(offset) is outside the file (\(size) bytes)")
        }
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress.map { $0 + done }, count - done, off_t(offset + done))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw CheckpointError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if result == 0 {
                throw CheckpointError.invalidArchive(path: path, reason: "file ended at offset \(offset + done) while reading")
            }
            done += result
        }
        return bytes
    }
}

/// Little-endian integer reads from a byte array at checked positions.
struct ZipFieldCursor {
    let bytes: [UInt8]
    var position: Int

    init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var remaining: Int { bytes.count - position }

    mutating func uint(_ width: Int) -> UInt64? {
        guard width <= remaining else { return nil }
        var value: UInt64 = 0
        for i in 0..<width {
            value |= UInt64(bytes[position + i]) << (8 * UInt64(i))
        }
        position += width
        return value
    }

    mutating func u16() -> Int? { uint(2).map { Int($0) } }
    mutating func u32() -> Int? { uint(4).map { Int($0) } }

    /// Reads a 64-bit field, or returns nil for values past Int.max.
    mutating func u64() -> Int? {
        guard let value = uint(8), value <= UInt64(Int.max) else { return nil }
        return Int(value)
    }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= remaining else { return nil }
        defer { position += count }
        return bytes[position..<(position + count)]
    }
}
