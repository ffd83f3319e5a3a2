import Foundation

/// Finds the bundled bpe_simple_vocab_16e6.txt.gz without SwiftPM's
/// `Bundle.module`, whose accessor stops the process when the bundle is missing.
enum VocabularyLocator {
    static let fileName = "bpe_simple_vocab_16e6.txt.gz"
    static let bundleName = "clip-explorer_CLIPTokenizer.resources"
    static let environmentVariable = "CLIP_EXPLORER_VOCAB"

    /// Looks in order at $CLIP_EXPLORER_VOCAB, the resource bundle next to the
    /// executable (where SwiftPM puts it), the executable's own folder (for a
    /// copied binary), and the source tree this file was built from.
    static func bundledVocabularyPath() throws -> String {
        if let override = ProcessInfo.processInfo.environment[environmentVariable], !override.isEmpty {
            return override  // Named explicitly, so a missing file is reported for this path.
        }
        let candidates = candidatePaths()
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            return found
        }
        throw TokenizerError.vocabularyNotFound(searched: candidates)
    }

    static func candidatePaths() -> [String] {
        var folders: [URL] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        if let executable = Bundle.main.executableURL {
            folders.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        folders.append(Bundle.main.bundleURL)

        var paths: [String] = []
        for folder in folders {
            paths.append(folder.appendingPathComponent(bundleName).appendingPathComponent(fileName).path)
            paths.append(folder.appendingPathComponent(fileName).path)
        }
        let sourceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        paths.append(sourceFolder.appendingPathComponent("Resources").appendingPathComponent(fileName).path)

        var unique: [String] = []
        for path in paths where !unique.contains(path) { unique.append(path) }
        return unique
    }
}
