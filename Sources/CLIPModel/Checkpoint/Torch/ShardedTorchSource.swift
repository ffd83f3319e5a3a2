import Foundation

/// `pytorch_model.bin.index.json` and the shards its `weight_map` names.
final class ShardedTorchSource: TensorSource, @unchecked Sendable {
    let path: String
    let tensors: [String: TensorInfo]
    private let shardByTensor: [String: TorchArchiveSource]

    init(indexPath: String) throws {
        guard FileManager.default.fileExists(atPath: indexPath) else { throw CheckpointError.fileNotFound(path: indexPath) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: indexPath))
        } catch {
            throw CheckpointError.unreadable(path: indexPath, reason: error.localizedDescription)
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let weightMap = root["weight_map"] as? [String: Any] else {
            throw CheckpointError.invalidHeader(path: indexPath, reason: "index is not a JSON object with a \"weight_map\" object")
        }

        let folder = (indexPath as NSString).deletingLastPathComponent
        var shards: [String: TorchArchiveSource] = [:]
        var shardByTensor: [String: TorchArchiveSource] = [:]
        var tensors: [String: TensorInfo] = [:]
        for (tensor, value) in weightMap.sorted(by: { $0.key < $1.key }) {
            // A shard is a file name beside the index; anything with a path could point elsewhere.
            guard let file = value as? String, !file.isEmpty, !file.contains("/"), file != "..", file != "." else {
                throw CheckpointError.invalidHeader(path: indexPath, reason: "weight_map entry '\(tensor)' is not a file name in the index's folder")
            }
            let shard = try shards[file] ?? TorchArchiveSource(path: (folder as NSString).appendingPathComponent(file))
            shards[file] = shard
            guard let info = shard.tensors[tensor] else {
                throw CheckpointError.missingTensor(path: shard.path, tensor: tensor)
            }
            shardByTensor[tensor] = shard
            tensors[tensor] = info
        }

        self.path = indexPath
        self.tensors = tensors
        self.shardByTensor = shardByTensor
    }

    /// Returns the tensor mapped in place from its shard; see `TorchArchiveSource.mappedFloat32`.
    func mappedFloat32(_ name: String) throws -> FloatStorage? {
        try shardByTensor[name]?.mappedFloat32(name)
    }

    func floats(_ name: String) throws -> [Float] {
        guard let shard = shardByTensor[name] else { throw CheckpointError.missingTensor(path: path, tensor: name) }
        return try shard.floats(name)
    }
}
