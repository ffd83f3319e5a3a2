import Foundation

/// Prompts entered with Enter, browsed with Up and Down, kept across runs in
/// a file with one prompt a line.
public struct PromptHistory: Sendable {
    public private(set) var entries: [String]
    /// Index into `entries` while browsing, nil when editing a new line.
    private var position: Int?
    /// The unfinished line that Up replaced, restored by Down past the newest entry.
    private var draft = ""
    public let maxEntries: Int

    public init(entries: [String] = [], maxEntries: Int = 1000) {
        self.maxEntries = max(1, maxEntries)
        self.entries = Array(entries.suffix(self.maxEntries))
    }

    /// Appends `line` unless it is blank or repeats the newest entry, and stops browsing.
    public mutating func add(_ line: String) {
        position = nil
        draft = ""
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty, entries.last != line else { return }
        entries.append(line)
        if entries.count > maxEntries { entries.removeFirst(entries.count - maxEntries) }
    }

    /// Returns the entry before the one shown, or nil at the oldest.
    public mutating func previous(current: String) -> String? {
        guard !entries.isEmpty else { return nil }
        let index: Int
        if let position {
            guard position > 0 else { return nil }
            index = position - 1
        } else {
            draft = current
            index = entries.count - 1
        }
        position = index
        return entries[index]
    }

    /// Returns the entry after the one shown, the saved draft past the
    /// newest, or nil when not browsing.
    public mutating func next() -> String? {
        guard let position else { return nil }
        if position + 1 < entries.count {
            self.position = position + 1
            return entries[position + 1]
        }
        self.position = nil
        return draft
    }

    // MARK: - File

    /// Returns `$XDG_STATE_HOME/clip-explorer/history`, with
    /// `~/.local/state` when XDG_STATE_HOME is unset or not absolute.
    public static func defaultURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        var base: URL
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            base = URL(fileURLWithPath: state, isDirectory: true)
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            base = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".local/state", isDirectory: true)
        }
        base.appendPathComponent("clip-explorer", isDirectory: true)
        return base.appendingPathComponent("history")
    }

    /// Reads a history file; a missing file is an empty history. Invalid
    /// UTF-8 is replaced with U+FFFD rather than losing the file.
    public static func load(from url: URL, maxEntries: Int = 1000) throws -> PromptHistory {
        guard FileManager.default.fileExists(atPath: url.path) else { return PromptHistory(maxEntries: maxEntries) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ExplorerError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        return PromptHistory(entries: lines, maxEntries: maxEntries)
    }

    /// Writes the history to a temporary file in the same folder and renames
    /// it over `url`, so a crash leaves either the old or the new file.
    public func save(to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let temporary = folder.appendingPathComponent(".history.\(ProcessInfo.processInfo.processIdentifier).tmp")
            let body = entries.map { $0 + "\n" }.joined()
            try Data(body.utf8).write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw ExplorerError.unwritable(path: url.path, reason: reason)
            }
        } catch let error as ExplorerError {
            throw error
        } catch {
            throw ExplorerError.unwritable(path: url.path, reason: error.localizedDescription)
        }
    }
}
