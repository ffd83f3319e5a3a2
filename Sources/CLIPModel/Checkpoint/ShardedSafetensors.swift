import Foundation

/// The shards of a Hugging Face `model.safetensors.index.json`, read as one source.
final class ShardedSafetensors: TensorSource {
    let path: String
    private(set) var tensors: [String: TensorInfo] = [:]
    private var owners: [String: SafetensorsFile] = [:]

    /// Opens every shard the index names (each validated as it opens) and checks
    /// that each tensor in the weight map is in the shard the map names.
    init(indexPath: String) throws {
        path = indexPath
        let index = try JSONConfig(contentsOf: indexPath)
        guard let weightMap = index.object["weight_map"] as? [String: Any] else {
            throw CheckpointError.invalidHeader(path: indexPath, reason: "missing 'weight_map' object")
        }

        let folder = URL(fileURLWithPath: indexPath).deletingLastPathComponent()
        var shards: [String: SafetensorsFile] = [:]
        for (tensor, value) in weightMap.sorted(by: { $0.key < $1.key }) {
            guard let shardName = value as? String else {
                throw CheckpointError.invalidHeader(path: indexPath, reason: "weight_map entry for '\(tensor)' is not a file name")
            }
            // Shards are plain file names beside the index; anything else could point outside the model folder.
            guard !shardName.isEmpty, !shardName.contains("/"), shardName != "..", shardName != "." else {
                throw CheckpointError.invalidHeader(path: indexPath, reason: "weight_map names '\(shardName)', which is not a file in the model folder")
            }
            if shards[shardName] == nil {
                shards[shardName] = try SafetensorsFile(path: folder.appendingPathComponent(shardName).path)
            }
            guard let shard = shards[shardName], let info = shard.tensors[tensor] else {
                throw CheckpointError.missingTensor(path: folder.appendingPathComponent(shardName).path, tensor: tensor)
            }
            tensors[tensor] = info
            owners[tensor] = shard
        }
    }

    func mappedFloat32(_ name: String) -> FloatStorage? {
        owners[name]?.mappedFloat32(name)
    }

    func floats(_ name: String) throws -> [Float] {
        guard let shard = owners[name] else {
            throw CheckpointError.missingTensor(path: path, tensor: name)
        }
        return try shard.floats(name)
    }
}
