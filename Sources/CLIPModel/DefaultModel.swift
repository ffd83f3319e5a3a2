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
        if let override = nonBlank(environment[environmentVariable]) {
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
            if let override = nonBlank(environment[environmentVariable]) {
                throw CheckpointError.invalidModelSetting(
                    setting: environmentVariable, value: override,
                    reason: "\(whatIsAt(override)); set it to the \(folderName) folder (the one with config.json) or unset it")
            }
            throw CheckpointError.defaultModelNotFound(searched: folders, environmentVariable: environmentVariable)
        }
        return found
    }

    /// Describes what is at `path` when it is not a model folder.
    static func whatIsAt(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return "which does not exist"
        }
        return isDirectory.boolValue ? "a folder without config.json" : "a file, not a folder"
    }

    /// Returns `value` unless it is nil, empty or only whitespace, which count as unset.
    static func nonBlank(_ value: String?) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return value
    }

    /// True when `text` has the form of a Hub repository id (ORG/NAME), which
    /// the commands resolve in the Hugging Face cache rather than as a path.
    static func looksLikeRepositoryID(_ text: String) -> Bool {
        // The same prefixes that CLIPHub's RepoID drops.
        var id = Substring(text)
        if let prefix = ["hf-hub:", "https://huggingface.co/", "http://huggingface.co/"].first(where: { text.hasPrefix($0) }) {
            id = id.dropFirst(prefix.count)
        }
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && !$0.hasPrefix(".") && !$0.contains(" ") }
            && !text.hasPrefix("~")
    }

    /// Returns the model to use: `explicit` (a `--model` value) when given,
    /// else `$CLIP_EXPLORER_MODEL` when set, else the demo model from `locate`.
    public static func resolve(explicit: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               executablePath: String? = currentExecutablePath(),
                               currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> ModelChoice {
        if let explicit {
            guard nonBlank(explicit) != nil else {
                throw CheckpointError.invalidModelSetting(setting: "--model", value: explicit,
                                                          reason: "which is empty; give a model folder or file, or leave --model out for the default")
            }
            if !FileManager.default.fileExists(atPath: explicit) && !looksLikeRepositoryID(explicit) {
                throw CheckpointError.invalidModelSetting(
                    setting: "--model", value: explicit,
                    reason: "which does not exist; give a model folder or file, or a Hub id ORG/NAME")
            }
            return ModelChoice(path: explicit, isDemo: false)
        }
        if let named = nonBlank(environment[CLIPModel.modelEnvironmentVariable]) {
            // A path that does not exist would otherwise fail as "file not found"
            // without naming the variable it came from.
            if !FileManager.default.fileExists(atPath: named) && !looksLikeRepositoryID(named) {
                throw CheckpointError.invalidModelSetting(
                    setting: CLIPModel.modelEnvironmentVariable, value: named,
                    reason: "which does not exist; set it to a model folder or file, or unset it to use the default")
            }
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
