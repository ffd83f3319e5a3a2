import Foundation

/// Element types found in CLIP checkpoints.
public enum TensorDType: String, Sendable, Equatable {
    case float32 = "F32"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case float64 = "F64"
    case int64 = "I64"
    case int32 = "I32"
    case uint8 = "U8"

    public var byteCount: Int {
        switch self {
        case .float32, .int32: return 4
        case .float16, .bfloat16: return 2
        case .float64, .int64: return 8
        case .uint8: return 1
        }
    }
}

/// Name, element type and shape of one tensor in a checkpoint.
public struct TensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: TensorDType
    public let shape: [Int]

    public init(name: String, dtype: TensorDType, shape: [Int]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }

    /// Element count; the loaders reject shapes whose product overflows before building one.
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A checkpoint file (or set of shards) that yields tensors by name. Every
/// format (safetensors, torch.save zip archives, TorchScript) implements it,
/// so the model layouts never depend on the file format.
public protocol TensorSource: AnyObject {
    /// The file or folder, for messages.
    var path: String { get }
    /// Every tensor the source contains, by name.
    var tensors: [String: TensorInfo] { get }
    /// Reads one tensor converted to float32, row-major in its shape's order.
    func floats(_ name: String) throws -> [Float]
}

/// Errors from reading checkpoint files and mapping their tensors to a model.
/// Each case carries the file and the value that was wrong.
public enum CheckpointError: LocalizedError, Equatable {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    /// A safetensors header or index file that is malformed or inconsistent.
    case invalidHeader(path: String, reason: String)
    /// A safetensors file shorter than its header's byte ranges; `tensor` is the one that ends last.
    case truncatedFile(path: String, tensor: String, needed: Int, available: Int)
    /// A torch.save archive or pickle stream that is malformed.
    case invalidArchive(path: String, reason: String)
    /// A pickle that names a global outside the allow-list of state-dict types.
    case forbiddenGlobal(path: String, module: String, name: String)
    case unsupportedDType(path: String, tensor: String, dtype: String)
    case missingTensor(path: String, tensor: String)
    /// A numbered layer with no tensors while a later layer has some, as in a file that lost part of its data.
    case missingLayer(path: String, tensor: String, highestLayer: Int)
    case shapeMismatch(path: String, tensor: String, expected: [Int], found: [Int])
    case unknownLayout(path: String, lookedFor: [String])
    case unsupportedArchitecture(path: String, reason: String)
    case invalidConfig(path: String, reason: String)
    /// A config value that differs from the size the tensors give; `evidence` names the tensors.
    case configMismatch(path: String, key: String, configValue: String, checkpointValue: Int, evidence: String)
    /// An image tensor whose element count is not 3 x image size x image size.
    case invalidImageTensor(index: Int, count: Int, expected: Int)
    /// A prompt with no token ids, or more than the model's context length.
    case invalidTokenCount(index: Int, count: Int, contextLength: Int)
    case invalidTokenID(index: Int, id: Int32, vocabularySize: Int)
    /// A zero-shot prompt template without the "{}" placeholder for the label.
    case invalidTemplate(template: String)
    /// A zero-shot label set that is empty or contains an empty label.
    case invalidLabels(reason: String)
    /// No `--model` was given and the demo model folder is in none of the searched places.
    case defaultModelNotFound(searched: [String], environmentVariable: String)
    /// An environment variable or option names a model path that cannot be used; `reason` gives the cause and the fix.
    case invalidModelSetting(setting: String, value: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .fileNotFound(let path):
            return "\(path): file not found"
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .invalidHeader(let path, let reason):
            return "\(path): invalid safetensors header: \(reason)"
        case .truncatedFile(let path, let tensor, let needed, let available):
            return "\(path) is truncated: its header needs \(needed) bytes of tensor data (up to the end of '\(tensor)') but the file has \(available); download or copy it again"
        case .invalidArchive(let path, let reason):
            return "\(path): invalid PyTorch checkpoint: \(reason)"
        case .forbiddenGlobal(let path, let module, let name):
            return "\(path): rejected pickle global '\(module).\(name)': only state-dict types (tensors, storages, OrderedDict) are loaded, and nothing in the file is executed"
        case .unsupportedDType(let path, let tensor, let dtype):
            return "\(path): tensor '\(tensor)' has unsupported dtype \(dtype) (supported: F32, F16, BF16)"
        case .missingTensor(let path, let tensor):
            return "\(path): missing tensor '\(tensor)'"
        case .missingLayer(let path, let tensor, let highestLayer):
            return "\(path): missing tensor '\(tensor)', although the checkpoint has layers up to \(highestLayer); the file is incomplete, so download or convert it again"
        case .shapeMismatch(let path, let tensor, let expected, let found):
            return "\(path): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case .unknownLayout(let path, let lookedFor):
            return "\(path): not a CLIP checkpoint this program can load; looked for \(lookedFor.joined(separator: ", "))"
        case .unsupportedArchitecture(let path, let reason):
            return "\(path): unsupported architecture: \(reason)"
        case .invalidConfig(let path, let reason):
            return "\(path): invalid config: \(reason)"
        case .configMismatch(let path, let key, let configValue, let checkpointValue, let evidence):
            return "\(path): \(key) is \(configValue), but the checkpoint has \(checkpointValue) (\(evidence)); set \(key) to \(checkpointValue), or use the config saved with these weights"
        case .invalidImageTensor(let index, let count, let expected):
            return "image \(index): tensor has \(count) values, expected \(expected) (3 x size x size for this model); preprocess it with the model's preprocessConfig"
        case .invalidTokenCount(let index, let count, let contextLength):
            return "prompt \(index): \(count) token ids, expected 1 to \(contextLength) (the model's context length)"
        case .invalidTokenID(let index, let id, let vocabularySize):
            return "prompt \(index): token id \(id) is outside the model's vocab of \(vocabularySize) tokens"
        case .invalidTemplate(let template):
            return "template '\(template)' has no {} placeholder for the label; write it like 'a photo of a {}.'"
        case .invalidLabels(let reason):
            return "invalid labels: \(reason)"
        case .defaultModelNotFound(let searched, let environmentVariable):
            return "demo model not found (searched \(searched.joined(separator: ", "))); "
                + "pass --model DIR, or set \(environmentVariable) to the clip-demo-shapes folder"
        case .invalidModelSetting(let setting, let value, let reason):
            return "\(setting) is '\(value)', \(reason)"
        }
    }
}
