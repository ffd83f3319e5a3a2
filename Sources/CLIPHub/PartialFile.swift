import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A `.incomplete` download file opened for appending, with write errors
/// mapped to `HubError` (ENOSPC and EDQUOT become `diskFull`).
final class PartialFile: @unchecked Sendable {
    let path: String
    private let descriptor: Int32
    private(set) var size: Int64

    init(path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw HubError.fileSystem(path: path, reason: String(cString: strerror(errno))) }
        var status = stat()
        fstat(descriptor, &status)
        self.path = path
        self.descriptor = descriptor
        self.size = Int64(status.st_size)
    }

    deinit { close(descriptor) }

    func append(_ data: Data) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno == ENOSPC || errno == EDQUOT { throw HubError.diskFull(path: path, needed: nil) }
                    throw HubError.fileSystem(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
        size += Int64(data.count)
    }

    /// Empties the file, for a server that ignored the range request.
    func truncate() throws {
        guard ftruncate(descriptor, 0) == 0 else {
            throw HubError.fileSystem(path: path, reason: "truncate failed: \(String(cString: strerror(errno)))")
        }
        size = 0
    }

    /// Flushes the bytes to disk so the rename that follows never publishes a short file after a crash.
    func sync() throws {
        guard fsync(descriptor) == 0 else {
            if errno == ENOSPC || errno == EDQUOT { throw HubError.diskFull(path: path, needed: nil) }
            throw HubError.fileSystem(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Returns the free bytes on the file system holding `path`, or nil when unknown.
    static func availableSpace(at path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        let (bytes, overflow) = Int64(info.f_bavail).multipliedReportingOverflow(by: Int64(info.f_frsize))
        return overflow ? Int64.max : bytes
    }

    /// Returns the hex digest of the file at `path`, read in 1 MiB chunks.
    static func digest(of path: String, using digest: Digest) throws -> String {
        var digest = digest
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw HubError.fileSystem(path: path, reason: "cannot open for verification")
        }
        defer { try? handle.close() }
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw HubError.fileSystem(path: path, reason: "read failed: \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { digest.update($0) }
        }
        return digest.finalize()
    }
}

/// An exclusive `flock` on the cache's `.locks/.../<etag>.lock` file, the lock
/// huggingface_hub takes for the same blob, so two downloaders never write one file.
final class BlobLock {
    private let descriptor: Int32

    init(path: String) throws {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw HubError.fileSystem(path: path, reason: String(cString: strerror(errno))) }
        while flock(descriptor, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            close(descriptor)
            throw HubError.fileSystem(path: path, reason: "cannot lock: \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
