/// A value built by `RestrictedUnpickler`: plain Python data, tensors and
/// storages, and the attribute dictionaries of TorchScript modules. Nothing
/// here can run code; a global is only a name until the allow-list maps it.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple(PickleTuple)
    case list(PickleList)
    case dict(PickleDict)
    /// An allowed global that is only a value, such as `torch.FloatStorage` or `torch.float16`.
    case global(module: String, name: String)
    case storage(TorchStorage)
    case tensor(TorchTensor)
    /// A TorchScript module instance (`__torch__.*` class) with its attributes.
    case object(PickleObject)

    /// Nesting depth of containers below this value; leaves are 0.
    var depth: Int {
        switch self {
        case .tuple(let tuple): return tuple.depth
        case .list(let list): return list.depth
        case .dict(let dict): return dict.depth
        case .object(let object): return object.attributes.depth
        default: return 0
        }
    }

    /// Short type name for messages.
    var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .global(let module, let name): return "\(module).\(name)"
        case .storage: return "storage"
        case .tensor: return "tensor"
        case .object(let object): return object.className
        }
    }
}

/// Base of the mutable containers. A container that has been placed inside
/// another may not change again, so the depth recorded at insertion stays
/// true and no container can contain itself.
class PickleContainer {
    fileprivate(set) var depth = 0
    var isNested = false

    /// Records `child` as an element and returns false when that would pass `maxDepth`.
    func adopt(_ child: PickleValue, maxDepth: Int) -> Bool {
        depth = max(depth, child.depth + 1)
        markNested(child)
        return depth <= maxDepth
    }
}

/// Marks every container in `value` as nested so later mutations are rejected.
func markNested(_ value: PickleValue) {
    switch value {
    case .list(let list): list.isNested = true
    case .dict(let dict): dict.isNested = true
    case .object(let object): object.attributes.isNested = true
    default: break
    }
}

final class PickleTuple {
    let items: [PickleValue]
    let depth: Int

    init(_ items: [PickleValue]) {
        self.items = items
        depth = (items.map(\.depth).max() ?? -1) + 1
        items.forEach(markNested)
    }
}

final class PickleList: PickleContainer {
    var items: [PickleValue] = []
}

/// A dict or OrderedDict in insertion order. String and int keys replace an
/// earlier equal key, as in Python; other keys are kept as they come.
final class PickleDict: PickleContainer {
    private(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    private var indexByString: [String: Int] = [:]
    private var indexByInt: [Int: Int] = [:]

    func set(_ key: PickleValue, _ value: PickleValue) {
        switch key {
        case .string(let text):
            if let index = indexByString[text] { entries[index].value = value; return }
            indexByString[text] = entries.count
        case .int(let number):
            if let index = indexByInt[number] { entries[index].value = value; return }
            indexByInt[number] = entries.count
        default:
            break
        }
        entries.append((key, value))
    }

    subscript(key: String) -> PickleValue? {
        indexByString[key].map { entries[$0].value }
    }
}

/// An instance of a TorchScript class such as `__torch__.model.CLIP`.
final class PickleObject {
    let className: String
    var attributes = PickleDict()

    init(className: String) { self.className = className }
}

/// A tensor storage from a `persistent_load` reference: one archive entry.
struct TorchStorage {
    /// The entry name under the archive's `data/` folder.
    let key: String
    /// Torch storage class name, such as "FloatStorage", for messages.
    let typeName: String
    /// nil for storage types this program cannot convert (bool, int8, complex, ...).
    let dtype: TensorDType?
    /// Element count the pickle declares; checked against the entry size.
    let elementCount: Int
}

/// A tensor view over a storage: `shape`, `strides` and `offset` are in elements,
/// as torch's `_rebuild_tensor_v2` receives them, and already bounds-checked.
struct TorchTensor {
    let storage: TorchStorage
    let offset: Int
    let shape: [Int]
    let strides: [Int]
}
