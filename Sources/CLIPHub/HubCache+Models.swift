import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A CLIP model snapshot found in the cache, for `clip-explorer models`.
public struct CachedModel: Sendable, Equatable {
    public let repoID: String
    public let commit: String
    /// Branches and tags (refs/) that point at this commit.
    public let refs: [String]
    public let snapshotPath: String
    /// Bytes of the blobs the snapshot links to, each blob counted once.
    public let size: Int64
    /// A summary from the config, such as "CLIPModel ViT 768x12 patch 32 224px, text 512x12" (width x layers).
    public let architecture: String
}

extension HubCache {
    /// Lists the snapshots that hold a CLIP model, sorted by repository id.
    /// Snapshots of other model types, and repositories without a snapshot, are skipped.
    public func cachedModels() -> [CachedModel] {
        let manager = FileManager.default
        guard let folders = try? manager.contentsOfDirectory(atPath: directory) else { return [] }

        var models: [CachedModel] = []
        for folder in folders.sorted() where folder.hasPrefix("models--") {
            let parts = folder.dropFirst("models--".count).components(separatedBy: "--")
            guard parts.count == 2, let repo = try? RepoID(parts[0] + "/" + parts[1]) else { continue }
            let refs = readRefs(repo)
            let snapshots = (try? manager.contentsOfDirectory(atPath: repoFolder(repo) + "/snapshots")) ?? []
            for commit in snapshots.sorted() {
                let snapshot = snapshotFolder(repo, commit: commit)
                guard let architecture = Self.clipArchitecture(snapshot) else { continue }
                models.append(CachedModel(
                    repoID: repo.description, commit: commit,
                    refs: refs.filter { $0.value == commit }.map(\.key).sorted(),
                    snapshotPath: snapshot, size: Self.blobBytes(snapshot), architecture: architecture))
            }
        }
        return models
    }

    private func readRefs(_ repo: RepoID) -> [String: String] {
        let root = repoFolder(repo) + "/refs"
        var refs: [String: String] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return refs }
        for case let name as String in enumerator {
            if let text = try? String(contentsOfFile: root + "/" + name, encoding: .utf8) {
                let commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if isCommitHash(commit) { refs[name] = commit }
            }
        }
        return refs
    }

    /// Sums the sizes of the distinct files the snapshot's links resolve to.
    private static func blobBytes(_ snapshot: String) -> Int64 {
        var seen = Set<String>()
        var total: Int64 = 0
        guard let enumerator = FileManager.default.enumerator(atPath: snapshot) else { return 0 }
        for case let name as String in enumerator {
            let path = (snapshot + "/" + name as NSString).resolvingSymlinksInPath
            var status = stat()
            guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, seen.insert(path).inserted else { continue }
            total += Int64(status.st_size)
        }
        return total
    }

    /// Describes the CLIP model in a snapshot from its Hugging Face config.json
    /// (in the snapshot or a sentence-transformers module folder) or its
    /// open_clip_config.json, or returns nil when it contains no CLIP model.
    static func clipArchitecture(_ snapshot: String) -> String? {
        guard CLIPFileSelection.snapshotHasModel(snapshot) else { return nil }
        var candidates = [snapshot]
        if let names = try? FileManager.default.contentsOfDirectory(atPath: snapshot) {
            candidates += names.sorted().map { snapshot + "/" + $0 }
        }
        for folder in candidates {
            if let config = readJSON(folder + "/config.json"), let summary = describeHuggingFace(config) {
                return summary
            }
            if let config = readJSON(folder + "/open_clip_config.json"), let summary = describeOpenCLIP(config) {
                return summary
            }
        }
        return nil
    }

    private static func readJSON(_ path: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    private static func describeHuggingFace(_ config: [String: Any]) -> String? {
        let architectures = config["architectures"] as? [String] ?? []
        guard (config["model_type"] as? String) == "clip" || architectures.contains(where: { $0.hasPrefix("CLIP") }) else {
            return nil
        }
        let vision = config["vision_config"] as? [String: Any] ?? [:]
        let text = config["text_config"] as? [String: Any] ?? [:]
        // Defaults are transformers' CLIPVisionConfig and CLIPTextConfig defaults, used when a key is absent.
        let name = architectures.first ?? "CLIPModel"
        return summary(name: name,
                       visionWidth: vision["hidden_size"] as? Int ?? 768, visionLayers: vision["num_hidden_layers"] as? Int ?? 12,
                       patch: vision["patch_size"] as? Int ?? 32, image: vision["image_size"] as? Int ?? 224,
                       textWidth: text["hidden_size"] as? Int ?? 512, textLayers: text["num_hidden_layers"] as? Int ?? 12)
    }

    private static func describeOpenCLIP(_ config: [String: Any]) -> String? {
        guard let model = config["model_cfg"] as? [String: Any],
              let vision = model["vision_cfg"] as? [String: Any], let text = model["text_cfg"] as? [String: Any],
              let patch = vision["patch_size"] as? Int else { return nil }
        return summary(name: "open_clip",
                       visionWidth: vision["width"] as? Int ?? 0, visionLayers: vision["layers"] as? Int ?? 0,
                       patch: patch, image: vision["image_size"] as? Int ?? 224,
                       textWidth: text["width"] as? Int ?? 0, textLayers: text["layers"] as? Int ?? 0)
    }

    /// "CLIPModel ViT 768x12 patch 32 224px, text 512x12": widths by layer counts, as in the configs.
    private static func summary(name: String, visionWidth: Int, visionLayers: Int, patch: Int, image: Int,
                                textWidth: Int, textLayers: Int) -> String {
        "\(name) ViT \(visionWidth)x\(visionLayers) patch \(patch) \(image)px, text \(textWidth)x\(textLayers)"
    }
}
