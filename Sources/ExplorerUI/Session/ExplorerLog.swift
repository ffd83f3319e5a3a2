import Foundation

/// Diagnostics for `--log FILE`. The explorer never prints to the terminal
/// it draws on, so this file is the only place errors and timings go.
public final class ExplorerLog: @unchecked Sendable {
    private let handle: FileHandle?
    private let lock = NSLock()

    /// Opens `path` for appending, creating it; nil discards every line.
    public init(path: String?) {
        guard let path else {
            handle = nil
            return
        }
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        handle = FileHandle(forWritingAtPath: path)
        handle?.seekToEndOfFile()
    }

    /// Whether `path` could be opened.
    public var isOpen: Bool { handle != nil }

    /// Appends one line with a UTC timestamp.
    public func write(_ message: String) {
        guard let handle else { return }
        let stamp = ISO8601DateFormatter().string(from: Date())
        lock.lock()
        defer { lock.unlock() }
        handle.write(Data("\(stamp) \(message)\n".utf8))
    }
}
