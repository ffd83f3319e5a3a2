import CZlib
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A read-only memory mapping of a whole archive file, unmapped when the last
/// tensor that points into it is released.
final class TorchArchiveMapping: @unchecked Sendable {
    let base: UnsafeRawPointer
    let size: Int

    init(path: String, size: Int) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CheckpointError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        guard size > 0, let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw CheckpointError.unreadable(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(mapped)
        self.size = size
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), size) }
}

extension TorchArchiveSource {
    /// Returns a float32 tensor in place in a mapping of the archive, without
    /// copying, when its storage entry is stored uncompressed, the view is
    /// contiguous and the address is 4-byte aligned (torch.save aligns storages
    /// to 64 bytes). Returns nil otherwise, and the caller uses `floats(_:)`.
    /// The entry's CRC-32 is checked the first time one of its tensors is mapped.
    func mappedFloat32(_ name: String) throws -> FloatStorage? {
        #if _endian(little)
        guard let view = view(named: name), view.storage.dtype == .float32, TorchTensorCopy.isContiguous(view),
              let entry = archive.entries[storagePrefix + view.storage.key], entry.method == 0 else { return nil }
        let count = view.shape.reduce(1, *)
        let start = entry.dataOffset + view.offset * 4
        guard count > 0, start + count * 4 <= entry.dataOffset + entry.uncompressedSize else { return nil }

        let mapping = try sharedMapping()
        let address = mapping.base + start
        guard Int(bitPattern: address) % MemoryLayout<Float>.alignment == 0 else { return nil }
        try verifyOnce(entry, in: mapping)
        return FloatStorage(mapped: address.assumingMemoryBound(to: Float.self), count: count, owner: mapping)
        #else
        return nil
        #endif
    }

    /// Checks an entry's CRC-32 over the mapped bytes, once per entry.
    private func verifyOnce(_ entry: ZipEntry, in mapping: TorchArchiveMapping) throws {
        guard markVerified(entry.name) else { return }
        var crc = CZlib.crc32(0, nil, 0)
        var offset = 0
        while offset < entry.uncompressedSize {
            let chunk = min(entry.uncompressedSize - offset, 1 << 30)
            let bytes = (mapping.base + entry.dataOffset + offset).assumingMemoryBound(to: UInt8.self)
            crc = CZlib.crc32(crc, bytes, uInt(chunk))
            offset += chunk
        }
        guard UInt32(truncatingIfNeeded: crc) == entry.crc32 else {
            throw CheckpointError.invalidArchive(path: path, reason: "entry '\(entry.name)' fails its CRC-32 check (the file is corrupted)")
        }
    }
}
