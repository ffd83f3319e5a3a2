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

    /// Counts numbered layers: the largest n such that `prefix + i + suffix` exists for every i < n.
    func countLayers(prefix: String, suffix: String) -> Int {
        var count = 0
        while has("\(prefix)\(count)\(suffix)") { count += 1 }
        return count
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
