import Foundation

extension CLIPModel {
    /// Environment variable that names the model to load when no --model is given.
    public static let modelEnvironmentVariable = "CLIP_EXPLORER_MODEL"

    /// The demo model's folder inside the repository.
    public static let demoModelFolder = "Models/" + DefaultModel.folderName

    /// Returns the model path to use when none is given: $CLIP_EXPLORER_MODEL when
    /// set, else the demo model folder that `DefaultModel.locate()` finds, else nil.
    /// `DefaultModel.resolve(explicit:)` does the same but throws a message listing
    /// the folders searched, and reports whether the path is the demo model.
    public static func defaultModelPath() -> String? {
        try? DefaultModel.resolve(explicit: nil).path
    }
}

/// The model a command uses, and whether it is the built-in demo model.
public struct ModelChoice: Sendable, Equatable {
    public let path: String
    /// True when the path is the demo model, found because no model was named.
    public let isDemo: Bool
}

/// The demo CLIP that ships in the repository at `Models/clip-demo-shapes`
/// and is used whenever no `--model` is given.
///
/// It is a small CLIP trained by `tools/demo_model/train.py` on synthetic
/// pictures of five shapes in eight colours, so zero-shot ranking works on a
/// machine that cannot download real weights. It recognizes nothing else.
public enum DefaultModel {
    /// The folder name under `Models/`.
    public static let folderName = "clip-demo-shapes"

    /// An environment variable that, when set, names the demo model folder and
    /// replaces the search.
    public static let environmentVariable = "CLIP_EXPLORER_DEMO_MODEL"

    /// How many directories above the executable's own to look for `Models/`.
    /// SwiftPM puts the binary at `.build/<triple>/<configuration>/`, three
    /// levels below the repository.
    static let maxParentLevels = 4

    /// Returns the notice printed once per run when the demo model is used. It
    /// states what the model is and how to use a real CLIP instead.
    public static func notice(path: String) -> String {
        """
        ==================================================================
        NOTE: no --model given, so this uses the built-in DEMO model:
          \(path)
        It is a tiny CLIP trained on synthetic pictures of circles, squares,
        triangles, stars and crosses in 8 flat colours. It knows nothing
        else, and its rankings of real photos are meaningless.
        For a real CLIP, pass --model DIR with a Hugging Face CLIP folder
        (config.json, model.safetensors, vocab.json, merges.txt) or any
        other checkpoint that '--model' accepts.
        ==================================================================

        """
    }

    /// Returns the folders searched for the demo model, in order. When the
    /// environment override is set, it is the only folder. Otherwise the list
    /// is `Models/` next to the executable (symlinks resolved), then in up to
    /// `maxParentLevels` directories above it, then in the working directory.
    public static func candidates(environment: [String: String], executablePath: String?,
                                  currentDirectory: String) -> [String] {
        if let override = environment[environmentVariable], !override.isEmpty {
            return [override]
        }

        var folders: [String] = []
        if let executablePath {
            var directory = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0...maxParentLevels {
                folders.append(directory.appendingPathComponent("Models").appendingPathComponent(folderName).path)
                directory = directory.deletingLastPathComponent()
            }
        }
        folders.append(URL(fileURLWithPath: currentDirectory).appendingPathComponent("Models")
            .appendingPathComponent(folderName).path)

        var seen = Set<String>()
        return folders.filter { seen.insert($0).inserted }
    }

    /// Returns the first candidate folder that contains a `config.json`.
    ///
    /// - Throws: `CheckpointError.defaultModelNotFound` listing every folder
    ///   searched, so the user can see where to put the model or what to set.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              executablePath: String? = currentExecutablePath(),
                              currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> String {
        let folders = candidates(environment: environment, executablePath: executablePath,
                                 currentDirectory: currentDirectory)
        let found = folders.first { folder in
            FileManager.default.fileExists(atPath: URL(fileURLWithPath: folder).appendingPathComponent("config.json").path)
        }
        guard let found else {
            throw CheckpointError.defaultModelNotFound(searched: folders, environmentVariable: environmentVariable)
        }
        return found
    }

    /// Returns the model to use: `explicit` (a `--model` value) when given,
    /// else `$CLIP_EXPLORER_MODEL` when set, else the demo model from `locate`.
    public static func resolve(explicit: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               executablePath: String? = currentExecutablePath(),
                               currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> ModelChoice {
        if let explicit {
            return ModelChoice(path: explicit, isDemo: false)
        }
        if let named = environment[CLIPModel.modelEnvironmentVariable], !named.isEmpty {
            return ModelChoice(path: named, isDemo: false)
        }
        let demo = try locate(environment: environment, executablePath: executablePath,
                              currentDirectory: currentDirectory)
        return ModelChoice(path: demo, isDemo: true)
    }

    private static let noticeLock = NSLock()
    nonisolated(unsafe) private static var noticeShown = false

    /// Returns `notice(path:)` the first time it is called in this process and
    /// nil afterwards, so a run that loads the demo model several times (the
    /// explorer switching models, a REPL) shows the notice once.
    public static func noticeOnce(path: String) -> String? {
        noticeLock.lock()
        defer { noticeLock.unlock() }
        if noticeShown {
            return nil
        }
        noticeShown = true
        return notice(path: path)
    }

    /// Returns the running executable's path: `/proc/self/exe` on Linux, else
    /// Foundation's idea of it.
    public static func currentExecutablePath() -> String? {
        #if os(Linux)
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        #endif
        return Bundle.main.executablePath
    }
}
