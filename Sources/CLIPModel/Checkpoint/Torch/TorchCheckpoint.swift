import Foundation

/// Opens PyTorch checkpoint files without Python.
///
/// Supported layouts, all zip archives written by PyTorch 1.6 or later:
/// - a state dict saved by `torch.save` (Hugging Face `pytorch_model.bin`, open_clip `.bin`/`.pt`);
/// - an open_clip training checkpoint, `{"state_dict": ..., "epoch": ...}`, whose
///   `module.` prefixes (from DataParallel) are removed;
/// - a TorchScript archive saved by `torch.jit.save` (OpenAI's `ViT-B-32.pt`),
///   whose module attributes give the names `visual.conv1.weight` and so on;
/// - `pytorch_model.bin.index.json` with its shards.
public enum TorchCheckpoint {
    /// Layouts named in the error for a file that matches none of them.
    static let supportedLayouts = [
        "torch.save zip archive with data.pkl (state dict or {\"state_dict\": ...})",
        "TorchScript archive from torch.jit.save",
        "pytorch_model.bin.index.json with its shards",
    ]

    /// Opens a `.bin`/`.pt` archive, or a `.index.json` file listing shards.
    /// Reads only the archive directory and the pickle; tensors are read by `floats(_:)`.
    public static func open(path: String) throws -> TensorSource {
        if path.hasSuffix(".index.json") {
            return try ShardedTorchSource(indexPath: path)
        }
        return try TorchArchiveSource(path: path)
    }
}

/// One torch.save or torch.jit.save archive.
final class TorchArchiveSource: TensorSource, @unchecked Sendable {
    let path: String
    let tensors: [String: TensorInfo]
    /// True when the archive came from torch.jit.save.
    let isTorchScript: Bool
    private let views: [String: TorchTensor]
    let archive: ZipArchive
    /// Entry name prefix of the storages, such as "archive/data/".
    let storagePrefix: String
    /// The file mapped for in-place float32 tensors, made on first use.
    private var mapping: TorchArchiveMapping?
    /// Storage entries whose CRC-32 was checked through the mapping.
    private var verifiedEntries = Set<String>()
    private let lock = NSLock()

    init(path: String) throws {
        let archive = try ZipArchive(path: path)
        let root = try Self.archiveRoot(archive)
        let storagePrefix = root + "data/"

        if archive.entries[root + "byteorder"] != nil {
            let order = String(decoding: try archive.read(root + "byteorder"), as: UTF8.self)
            guard order == "little" else {
                throw CheckpointError.invalidArchive(path: path, reason: "storages are stored '\(order)'-endian; only little-endian archives are supported")
            }
        }
        let isTorchScript = archive.names.contains { $0.hasPrefix(root + "code/") }

        var unpickler = RestrictedUnpickler(path: path, allowsTorchScriptClasses: isTorchScript) { id in
            try Self.storage(for: id, archive: archive, prefix: storagePrefix)
        }
        let value = try unpickler.load(try archive.read(root + "data.pkl"))

        var views: [String: TorchTensor] = [:]
        Self.collectTensors(Self.weights(in: value), prefix: "", into: &views)
        views = Self.removingDataParallelPrefix(views)
        guard !views.isEmpty else {
            throw CheckpointError.unknownLayout(path: path, lookedFor: TorchCheckpoint.supportedLayouts.map { $0 + " holding tensors" })
        }

        var tensors: [String: TensorInfo] = [:]
        for (name, view) in views {
            guard let dtype = view.storage.dtype else { continue }
            tensors[name] = TensorInfo(name: name, dtype: dtype, shape: view.shape)
        }

        self.path = path
        self.archive = archive
        self.storagePrefix = storagePrefix
        self.isTorchScript = isTorchScript
        self.views = views
        self.tensors = tensors
    }

    /// Reads the tensor's storage entry (checking its CRC-32) and copies the
    /// view into a contiguous row-major float32 array.
    func floats(_ name: String) throws -> [Float] {
        guard let view = views[name] else { throw CheckpointError.missingTensor(path: path, tensor: name) }
        guard let dtype = view.storage.dtype else {
            throw CheckpointError.unsupportedDType(path: path, tensor: name, dtype: view.storage.typeName)
        }
        let bytes = try archive.read(storagePrefix + view.storage.key)
        return TorchTensorCopy.floats(from: bytes, dtype: dtype, view: view)
    }

    func view(named name: String) -> TorchTensor? { views[name] }

    /// Returns the archive's mapping, creating it on first use.
    func sharedMapping() throws -> TorchArchiveMapping {
        lock.lock()
        defer { lock.unlock() }
        if let mapping { return mapping }
        let created = try TorchArchiveMapping(path: path, size: archive.file.size)
        mapping = created
        return created
    }

    /// Returns true the first time it is called for `entry`.
    func markVerified(_ entry: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return verifiedEntries.insert(entry).inserted
    }

    // MARK: - Archive layout

    /// Returns the folder, such as "archive/", that contains data.pkl. torch.save names it after the file.
    private static func archiveRoot(_ archive: ZipArchive) throws -> String {
        let pickles = archive.names.filter { name in
            name.hasSuffix("/data.pkl") && name.dropLast("/data.pkl".count).firstIndex(of: "/") == nil
        }
        guard pickles.count == 1, let pickle = pickles.first else {
            if archive.names.contains(where: { $0.hasSuffix("constants.pkl") }) {
                throw CheckpointError.unknownLayout(path: archive.path, lookedFor: TorchCheckpoint.supportedLayouts)
            }
            throw CheckpointError.invalidArchive(path: archive.path, reason: pickles.isEmpty
                ? "zip archive has no data.pkl, so it was not written by torch.save; supported: \(TorchCheckpoint.supportedLayouts.joined(separator: "; "))"
                : "zip archive has \(pickles.count) data.pkl files")
        }
        return String(pickle.dropLast("data.pkl".count))
    }

    /// Resolves `("storage", torch.FloatStorage, key, location, numel)` and checks
    /// that the archive entry contains at least `numel` elements.
    private static func storage(for id: PickleTuple, archive: ZipArchive, prefix: String) throws -> TorchStorage {
        let items = id.items
        guard items.count == 5, case .string("storage") = items[0], case .global(let module, let typeName) = items[1],
              case .string(let key) = items[2], case .int(let elementCount) = items[4] else {
            throw CheckpointError.invalidArchive(path: archive.path, reason: "persistent id is not ('storage', type, key, location, numel): (\(items.map(\.typeName).joined(separator: ", ")))")
        }
        guard module == "torch", let type = TorchGlobals.storageTypes[typeName] else {
            throw CheckpointError.forbiddenGlobal(path: archive.path, module: module, name: typeName)
        }
        guard let entry = archive.entries[prefix + key] else {
            throw CheckpointError.invalidArchive(path: archive.path, reason: "storage '\(key)' has no entry \(prefix + key) in the archive")
        }
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: type.elementSize)
        guard elementCount >= 0, !overflow, byteCount <= entry.uncompressedSize else {
            throw CheckpointError.invalidArchive(path: archive.path, reason: "storage '\(key)' declares \(elementCount) \(typeName) elements, more than its entry of \(entry.uncompressedSize) bytes contains")
        }
        return TorchStorage(key: key, typeName: typeName, dtype: type.dtype, elementCount: elementCount)
    }

    // MARK: - Finding the weights

    /// Returns the state dict inside a training checkpoint, or the value itself.
    private static func weights(in value: PickleValue) -> PickleValue {
        if case .dict(let dict) = value, let state = dict["state_dict"], case .dict = state {
            return state
        }
        return value
    }

    /// Adds every tensor reachable through string-keyed dicts and TorchScript
    /// module attributes, named by the dotted path of keys. Lists and other
    /// values (epoch numbers, optimizer settings) are skipped.
    private static func collectTensors(_ value: PickleValue, prefix: String, into views: inout [String: TorchTensor]) {
        switch value {
        case .tensor(let tensor):
            if !prefix.isEmpty { views[prefix] = tensor }
        case .dict(let dict):
            for (key, item) in dict.entries {
                guard case .string(let name) = key else { continue }
                collectTensors(item, prefix: prefix.isEmpty ? name : prefix + "." + name, into: &views)
            }
        case .object(let object):
            collectTensors(.dict(object.attributes), prefix: prefix, into: &views)
        default:
            break
        }
    }

    /// Drops the "module." that DataParallel puts before every name, when all names have it.
    private static func removingDataParallelPrefix(_ views: [String: TorchTensor]) -> [String: TorchTensor] {
        let prefix = "module."
        guard !views.isEmpty, views.keys.allSatisfy({ $0.hasPrefix(prefix) }) else { return views }
        var stripped: [String: TorchTensor] = [:]
        for (name, view) in views { stripped[String(name.dropFirst(prefix.count))] = view }
        return stripped
    }
}
