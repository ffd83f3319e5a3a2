import Foundation

/// The rules for the files of a Hub repository that a CLIP model needs, so a download skips
/// other frameworks' weights (TensorFlow, Flax, ONNX), duplicates and docs.
enum CLIPFileSelection {
    /// Small files taken whenever a model folder has them.
    static let configFiles = [
        "config.json", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json", "vocab.json",
        "merges.txt", "special_tokens_map.json", "added_tokens.json", "open_clip_config.json",
    ]

    /// sentence-transformers files at the repository root.
    static let sentenceTransformersFiles = ["modules.json", "config_sentence_transformers.json", "sentence_bert_config.json"]

    /// Weight files in order of preference; a folder gets only the first it has.
    /// Indexes are followed by the shards they list.
    static let weightFiles = [
        "model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json",
        "open_clip_model.safetensors", "open_clip_pytorch_model.bin",
    ]

    /// Returns the files to fetch from `siblings` (the repository's file list),
    /// shards excepted. Model folders are the root and, for sentence-transformers
    /// repositories (with modules.json), each first-level folder with a config.json.
    static func select(siblings: [String], repo: RepoID) throws -> [String] {
        let available = Set(siblings)
        var folders = [""]
        if available.contains("modules.json") {
            let subfolders = Set(siblings.compactMap { file -> String? in
                let parts = file.split(separator: "/")
                return parts.count == 2 && parts[1] == "config.json" ? String(parts[0]) + "/" : nil
            })
            folders += subfolders.sorted()
        }

        var selected: [String] = sentenceTransformersFiles.filter(available.contains)
        var hasWeights = false
        for folder in folders {
            selected += configFiles.map { folder + $0 }.filter(available.contains)
            if let weights = weightFiles.map({ folder + $0 }).first(where: available.contains) {
                selected.append(weights)
                hasWeights = true
            }
        }
        guard hasWeights else {
            throw HubError.noWeights(repoID: repo.description, lookedFor: weightFiles)
        }
        return selected
    }

    /// Returns the shard file names an index's `weight_map` lists, relative to the repository root.
    static func shards(inIndex path: String, indexFile: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let weightMap = root["weight_map"] as? [String: Any] else {
            throw HubError.invalidResponse(url: indexFile, reason: "the index has no \"weight_map\" object")
        }
        let folder = (indexFile as NSString).deletingLastPathComponent
        var shards = Set<String>()
        for value in weightMap.values {
            // A shard is a file beside its index; a path could escape the snapshot folder.
            guard let name = value as? String, !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                throw HubError.invalidResponse(url: indexFile, reason: "weight_map lists '\(value)', which is not a file name")
            }
            shards.insert(folder.isEmpty ? name : folder + "/" + name)
        }
        return shards.sorted()
    }

    /// True when a snapshot folder contains a model config and weights that exist
    /// (a symlink to a missing blob does not count).
    static func snapshotHasModel(_ snapshot: String) -> Bool {
        let manager = FileManager.default
        var folders = [snapshot]
        if let names = try? manager.contentsOfDirectory(atPath: snapshot) {
            folders += names.sorted().map { snapshot + "/" + $0 }.filter { manager.fileExists(atPath: $0 + "/config.json") }
        }
        return folders.contains { folder in
            let hasConfig = manager.fileExists(atPath: folder + "/config.json") || manager.fileExists(atPath: folder + "/open_clip_config.json")
            let hasWeights = weightFiles.contains { manager.fileExists(atPath: folder + "/" + $0) }
            return hasConfig && hasWeights
        }
    }
}
