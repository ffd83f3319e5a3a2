import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A failure to write an output file; the message names the file.
public struct OutputFileError: Error, LocalizedError, Equatable {
    public let path: String
    public let reason: String

    public var errorDescription: String? { "\(path): \(reason)" }
}

/// Writes an output file through a temporary file in the same folder and a
/// rename, so a failure leaves either the old file or none, never a partial one.
/// A symbolic link is followed and its target replaced. Directories, devices,
/// FIFOs and read-only files are rejected rather than replaced.
struct AtomicFile {
    /// The path as the user gave it, used in messages.
    let path: String
    /// The rename destination: `path` with symbolic links resolved.
    let target: String
    /// Permission bits for the new file: the replaced file's, or 0666 minus the umask.
    let permissions: mode_t

    /// Checks that `path` may be written and resolves its symbolic links.
    init(path: String) throws {
        self.path = path
        var resolved = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(resolved, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { break }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(resolved, &buffer, buffer.count - 1)
            guard length > 0 else { break }
            let link = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            resolved = link.hasPrefix("/") ? link : AtomicFile.folder(of: resolved) + "/" + link
        }
        target = resolved

        // The folder must take a new file, because the temporary file is created there.
        let folder = AtomicFile.folder(of: resolved)
        var folderInfo = stat()
        if stat(folder, &folderInfo) != 0 || access(folder, W_OK | X_OK) != 0 {
            throw OutputFileError(path: path, reason: "cannot create a file in its folder: \(String(cString: strerror(errno)))")
        }
        guard folderInfo.st_mode & S_IFMT == S_IFDIR else {
            throw OutputFileError(path: path, reason: "cannot create a file in its folder: \(String(cString: strerror(ENOTDIR)))")
        }

        var info = stat()
        if stat(resolved, &info) == 0 {
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR {
                throw OutputFileError(path: path, reason: "is a directory, expected a file name")
            }
            guard kind == S_IFREG else {
                throw OutputFileError(path: path, reason: "not a regular file (a device, FIFO or socket); choose a file name")
            }
            // Root passes access(W_OK) on any file, so the mode bits are checked as well.
            if access(resolved, W_OK) != 0 || info.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH) == 0 {
                throw OutputFileError(path: path, reason: "read-only file; make it writable or choose another name")
            }
            permissions = info.st_mode & 0o7777
        } else {
            let mask = umask(0)
            umask(mask)
            permissions = 0o666 & ~mask
        }
    }

    /// Runs `write` on a new temporary path next to the target, then renames
    /// the result over the target. The temporary file is removed on failure.
    func write(_ write: (String) throws -> Void) throws {
        let name = (target as NSString).lastPathComponent
        var template = Array((AtomicFile.folder(of: target) + "/." + name + ".tmp-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard descriptor >= 0 else {
            throw OutputFileError(path: path, reason: "cannot create a file in its folder: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)

        do {
            try write(temporary)
            guard chmod(temporary, permissions) == 0, rename(temporary, target) == 0 else {
                throw OutputFileError(path: path, reason: String(cString: strerror(errno)))
            }
        } catch let error as OutputFileError {
            unlink(temporary)
            throw OutputFileError(path: path, reason: error.reason)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Returns the folder part of `path`, "." for a bare file name.
    private static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// Writes `bytes` to the temporary file, retrying short writes.
    static func writeBytes(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw OutputFileError(path: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputFileError(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else {
            throw OutputFileError(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
        }
    }
}
