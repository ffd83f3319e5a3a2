import Foundation

extension CLIPModel {
    /// Environment variable that names the model to load when no --model is given.
    public static let modelEnvironmentVariable = "CLIP_EXPLORER_MODEL"

    /// The demo model's folder inside the repository.
    public static let demoModelFolder = "Models/clip-demo-shapes"

    /// Returns the model path to use when none is given: $CLIP_EXPLORER_MODEL when
    /// set, else the demo model folder found in the current directory or above the
    /// executable (as in `.build/release/clip-explorer`), else nil.
    public static func defaultModelPath() -> String? {
        if let path = ProcessInfo.processInfo.environment[modelEnvironmentVariable], !path.isEmpty {
            return path
        }
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        for base in candidates {
            let path = base.appendingPathComponent(demoModelFolder).path
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }
}
