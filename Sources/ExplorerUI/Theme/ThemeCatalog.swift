import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Finds theme files: the user's in `$XDG_CONFIG_HOME/clip-explorer/themes/`
/// (default `~/.config`) first, then the ones shipped in the repository's
/// `Themes/` folder.
public struct ThemeCatalog: Sendable {
    public let folders: [String]

    public init(folders: [String]) {
        self.folders = folders
    }

    /// Returns a catalog of the user folder, then the shipped folder: `CLIP_EXPLORER_THEMES` when
    /// set, else the first `Themes/` found walking up from the executable
    /// (the binary lives under `.build/` inside the repository).
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment,
                                executablePath: String = CommandLine.arguments.first ?? "") -> ThemeCatalog {
        var folders: [String] = []
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            folders.append(config + "/clip-explorer/themes")
        } else if let home = environment["HOME"] {
            folders.append(home + "/.config/clip-explorer/themes")
        }
        if let shipped = environment["CLIP_EXPLORER_THEMES"], !shipped.isEmpty {
            folders.append(shipped)
        } else if let shipped = findShippedFolder(executablePath: executablePath) {
            folders.append(shipped)
        }
        return ThemeCatalog(folders: folders)
    }

    private static func findShippedFolder(executablePath: String) -> String? {
        var url = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = url.appendingPathComponent("Themes")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("default.theme").path) {
                return candidate.path
            }
            url.deleteLastPathComponent()
        }
        return nil
    }

    /// Returns the names of every theme found, sorted, without duplicates.
    public func names() -> [String] {
        var names = Set<String>()
        for folder in folders {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for entry in entries where entry.hasSuffix(".theme") {
                names.insert(String(entry.dropLast(".theme".count)))
            }
        }
        return names.sorted()
    }

    /// Loads a theme by name, or by path when `name` contains a slash.
    /// Returns the theme and, when some lines were invalid, the error that
    /// lists them; throws when no usable file exists.
    public func load(_ name: String) throws -> (theme: Theme, issues: ThemeError?) {
        let path: String
        if name.contains("/") {
            path = name
        } else {
            let candidates = folders.map { $0 + "/" + name + ".theme" }
            guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                throw ThemeError.notFound(name: name, searched: folders)
            }
            path = found
        }
        let text = try Self.readText(path)
        let themeName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let (theme, issues) = Theme.parse(text, name: themeName, path: path)
        return (theme, issues.isEmpty ? nil : .invalidLines(issues))
    }

    /// Reads a theme file as UTF-8 text with POSIX calls, so the messages
    /// are the system's (`Permission denied`) rather than Foundation's.
    static func readText(_ path: String) throws -> String {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw ThemeError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw ThemeError.isDirectory(path: path) }

        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ThemeError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }

        // A theme is a few kilobytes; anything past 1 MB is not a theme.
        let limit = 1 << 20
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ThemeError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        guard bytes.count <= limit, !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else {
            throw ThemeError.notText(path: path)
        }
        return text
    }
}
