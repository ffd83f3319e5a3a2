/// Reads tensors from a source with their shapes checked, for mapping a
/// checkpoint's names onto the internal weight layout.
struct WeightReader {
    let source: TensorSource

    func has(_ name: String) -> Bool { source.tensors[name] != nil }

    func shape(_ name: String) throws -> [Int] {
        guard let info = source.tensors[name] else {
            throw CheckpointError.missingTensor(path: source.path, tensor: name)
        }
        return info.shape
    }

    /// Describes a tensor by name and shape, for messages that compare a config with the checkpoint.
    func evidence(_ name: String) -> String {
        guard let shape = source.tensors[name]?.shape else { return "no tensor '\(name)'" }
        return "tensor '\(name)' of shape \(shape)"
    }

    /// Returns the first dimension of a matrix, such as an MLP's hidden width from fc1's [hidden x width].
    func rows(_ name: String) throws -> Int {
        let found = try shape(name)
        guard found.count == 2 else {
            throw CheckpointError.unsupportedArchitecture(path: source.path, reason: "tensor '\(name)' has shape \(found), expected a matrix")
        }
        return found[0]
    }

    /// Reads `name` as float32 after checking that its shape is `expected`.
    func read(_ name: String, _ expected: [Int]) throws -> [Float] {
        let found = try shape(name)
        guard found == expected else {
            throw CheckpointError.shapeMismatch(path: source.path, tensor: name, expected: expected, found: found)
        }
        return try source.floats(name)
    }

    /// Reads `name` after checking its shape, mapped in place when the file stores it
    /// as aligned float32 (safetensors, or an uncompressed torch.save storage), else
    /// converted into a new allocation.
    func storage(_ name: String, _ expected: [Int]) throws -> FloatStorage {
        let found = try shape(name)
        guard found == expected else {
            throw CheckpointError.shapeMismatch(path: source.path, tensor: name, expected: expected, found: found)
        }
        if let file = source as? SafetensorsFile, let mapped = file.mappedFloat32(name) { return mapped }
        if let shards = source as? ShardedSafetensors, let mapped = shards.mappedFloat32(name) { return mapped }
        if let archive = source as? TorchArchiveSource, let mapped = try archive.mappedFloat32(name) { return mapped }
        if let shards = source as? ShardedTorchSource, let mapped = try shards.mappedFloat32(name) { return mapped }
        return FloatStorage(try source.floats(name))
    }

    /// Reads a single-value tensor such as `logit_scale`, stored with shape [] or [1].
    func scalar(_ name: String) throws -> Float {
        let found = try shape(name)
        guard found.reduce(1, *) == 1, found.count <= 1 else {
            throw CheckpointError.shapeMismatch(path: source.path, tensor: name, expected: [], found: found)
        }
        return try source.floats(name)[0]
    }

    /// Counts the numbered layers under `prefix` (such as "transformer.resblocks.") from
    /// every tensor named prefix + index + ".". A missing index below the highest one is
    /// an error naming that layer's `marker` tensor, so a file that lost a middle layer
    /// is never run with the layers after it.
    /// - Complexity: O(n log n) in the number of tensors.
    func countLayers(prefix: String, marker: String) throws -> Int {
        var indices = Set<Int>()
        for name in source.tensors.keys where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dot = rest.firstIndex(of: "."), !rest[..<dot].isEmpty,
                  rest[..<dot].allSatisfy({ $0 >= "0" && $0 <= "9" }), let index = Int(rest[..<dot]) else { continue }
            indices.insert(index)
        }

        var count = 0
        for index in indices.sorted() {
            guard index == count else {
                throw CheckpointError.missingLayer(path: source.path, tensor: "\(prefix)\(count)\(marker)",
                                                   highestLayer: indices.max() ?? index)
            }
            count += 1
        }
        return count
    }

    /// Describes the tensors a layer count came from, for config mismatch messages.
    static func layerEvidence(prefix: String, count: Int) -> String {
        switch count {
        case 0: return "no '\(prefix)N.*' tensors"
        case 1: return "only layer 0, '\(prefix)0.*'"
        default: return "layers 0 to \(count - 1), '\(prefix)0.*' to '\(prefix)\(count - 1).*'"
        }
    }

    func layerNorm(_ prefix: String, width: Int) throws -> LayerNormWeights {
        LayerNormWeights(weight: try read(prefix + ".weight", [width]), bias: try read(prefix + ".bias", [width]))
    }

    /// Reads an nn.Linear: weight [outputs x inputs] and, with `bias`, bias [outputs].
    func linear(_ prefix: String, inputs: Int, outputs: Int, bias: Bool = true) throws -> Linear {
        Linear(weight: try storage(prefix + ".weight", [outputs, inputs]),
               bias: bias ? try read(prefix + ".bias", [outputs]) : nil,
               inputs: inputs, outputs: outputs, storedTransposed: false)
    }

    /// Reads a bias-free projection stored [inputs x outputs] for `x @ P`, as OpenAI stores them.
    func projection(_ name: String, inputs: Int, outputs: Int) throws -> Linear {
        Linear(weight: try storage(name, [inputs, outputs]), bias: nil, inputs: inputs, outputs: outputs, storedTransposed: true)
    }
}
