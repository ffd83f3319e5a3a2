/// The allow-list of pickle globals, and what "calling" each one builds.
/// Calls never run Python: each allowed name maps to a fixed Swift builder.
enum TorchGlobals {
    /// Torch storage classes (as `torch.save` names them): the element type,
    /// or nil for types this program cannot convert to float32, and the element size in bytes.
    static let storageTypes: [String: (dtype: TensorDType?, elementSize: Int)] = [
        "FloatStorage": (.float32, 4), "HalfStorage": (.float16, 2), "BFloat16Storage": (.bfloat16, 2),
        "DoubleStorage": (.float64, 8), "LongStorage": (.int64, 8), "IntStorage": (.int32, 4), "ByteStorage": (.uint8, 1),
        "BoolStorage": (nil, 1), "CharStorage": (nil, 1), "ShortStorage": (nil, 2),
        "ComplexFloatStorage": (nil, 8), "ComplexDoubleStorage": (nil, 16),
    ]

    /// `torch.<dtype>` objects that can appear as plain values (for example in saved configs).
    private static let dtypeNames: Set<String> = [
        "float32", "float16", "bfloat16", "float64", "int64", "int32", "int16", "int8", "uint8", "bool",
    ]

    private static let rebuildFunctions: Set<String> = [
        "_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_parameter", "_rebuild_parameter_with_state",
    ]

    /// List builders that TorchScript archives from PyTorch 1.x use; each returns its argument.
    private static let torchScriptListBuilders: Set<String> = [
        "build_intlist", "build_doublelist", "build_boollist", "build_tensorlist", "build_genericlist", "restore_type_tag",
    ]

    static func isAllowed(module: String, name: String) -> Bool {
        switch module {
        case "collections": return name == "OrderedDict"
        case "torch._utils": return rebuildFunctions.contains(name)
        case "torch": return storageTypes[name] != nil || dtypeNames.contains(name) || name == "Size"
        case "torch.jit._pickle": return torchScriptListBuilders.contains(name)
        default: return false
        }
    }

    // MARK: - REDUCE

    /// Builds the value of `callable(*arguments)` for an allowed global.
    static func call(_ callable: PickleValue, arguments: PickleTuple, path: String) throws -> PickleValue {
        guard case .global(let module, let name) = callable else {
            throw CheckpointError.invalidArchive(path: path, reason: "pickle calls a \(callable.typeName), which is not a function")
        }
        let items = arguments.items
        switch (module, name) {
        case ("collections", "OrderedDict"):
            return try orderedDict(items, path: path)

        case ("torch._utils", "_rebuild_tensor"), ("torch._utils", "_rebuild_tensor_v2"):
            return .tensor(try rebuildTensor(items, path: path))

        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            guard let first = items.first, case .tensor = first else {
                throw CheckpointError.invalidArchive(path: path, reason: "\(module).\(name) expects a tensor as its first argument")
            }
            return first

        case ("torch", "Size"):
            guard items.count == 1, case .tuple = items[0] else {
                throw CheckpointError.invalidArchive(path: path, reason: "torch.Size expects one tuple")
            }
            return items[0]

        case ("torch.jit._pickle", _):
            guard let first = items.first else {
                throw CheckpointError.invalidArchive(path: path, reason: "\(module).\(name) expects an argument")
            }
            return first

        default:
            // Storage classes and dtypes are names only; calling one would construct data in Python.
            throw CheckpointError.forbiddenGlobal(path: path, module: module, name: name)
        }
    }

    /// `OrderedDict()` or `OrderedDict([(key, value), ...])`.
    private static func orderedDict(_ items: [PickleValue], path: String) throws -> PickleValue {
        let dict = PickleDict()
        guard let first = items.first else { return .dict(dict) }
        let pairs: [PickleValue]
        switch first {
        case .list(let list): pairs = list.items
        case .tuple(let tuple): pairs = tuple.items
        default:
            throw CheckpointError.invalidArchive(path: path, reason: "OrderedDict expects a list of pairs, found \(first.typeName)")
        }
        for pair in pairs {
            guard case .tuple(let tuple) = pair, tuple.items.count == 2 else {
                throw CheckpointError.invalidArchive(path: path, reason: "OrderedDict item is not a (key, value) pair")
            }
            guard dict.adopt(tuple.items[1], maxDepth: RestrictedUnpickler.maxDepth) else {
                throw CheckpointError.invalidArchive(path: path, reason: "pickle nests containers more than \(RestrictedUnpickler.maxDepth) deep")
            }
            dict.set(tuple.items[0], tuple.items[1])
        }
        return .dict(dict)
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`,
    /// checked so the view stays inside its storage with no integer overflow.
    private static func rebuildTensor(_ items: [PickleValue], path: String) throws -> TorchTensor {
        func invalid(_ reason: String) -> CheckpointError { .invalidArchive(path: path, reason: reason) }

        guard items.count >= 4, case .storage(let storage) = items[0], case .int(let offset) = items[1],
              case .tuple(let sizeTuple) = items[2], case .tuple(let strideTuple) = items[3] else {
            throw invalid("_rebuild_tensor_v2 expects (storage, offset, size, stride, ...), found (\(items.map(\.typeName).joined(separator: ", ")))")
        }
        let shape = try integers(sizeTuple, what: "size", path: path)
        let strides = try integers(strideTuple, what: "stride", path: path)
        let view = "view (offset \(offset), size \(shape), stride \(strides)) of storage '\(storage.key)'"
        guard shape.count == strides.count else { throw invalid("tensor \(view) has different size and stride ranks") }
        guard offset >= 0, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else {
            throw invalid("tensor \(view) has a negative offset, size or stride")
        }

        var elementCount = 1
        var lastIndex = offset
        for (size, stride) in zip(shape, strides) {
            let (count, countOverflow) = elementCount.multipliedReportingOverflow(by: size)
            let (span, spanOverflow) = (size == 0 ? 0 : size - 1).multipliedReportingOverflow(by: stride)
            let (last, lastOverflow) = lastIndex.addingReportingOverflow(span)
            guard !countOverflow, !spanOverflow, !lastOverflow else {
                throw invalid("tensor \(view) overflows 64-bit element indexing")
            }
            elementCount = count
            lastIndex = last
        }
        if elementCount > 0, lastIndex >= storage.elementCount {
            throw invalid("tensor \(view) reaches element \(lastIndex), outside its storage of \(storage.elementCount) elements")
        }
        return TorchTensor(storage: storage, offset: offset, shape: shape, strides: strides)
    }

    private static func integers(_ tuple: PickleTuple, what: String, path: String) throws -> [Int] {
        try tuple.items.map { item in
            guard case .int(let value) = item else {
                throw CheckpointError.invalidArchive(path: path, reason: "tensor \(what) contains a \(item.typeName), expected int")
            }
            return value
        }
    }

    // MARK: - NEWOBJ

    /// `cls.__new__(cls, *arguments)`, allowed only for TorchScript module classes
    /// (resolution already rejected `__torch__` names outside TorchScript archives).
    static func instantiate(_ callable: PickleValue, arguments: PickleValue, path: String) throws -> PickleValue {
        guard case .global(let module, let name) = callable, module == "__torch__" || module.hasPrefix("__torch__.") else {
            if case .global(let module, let name) = callable {
                throw CheckpointError.forbiddenGlobal(path: path, module: module, name: name)
            }
            throw CheckpointError.invalidArchive(path: path, reason: "NEWOBJ on a \(callable.typeName)")
        }
        return .object(PickleObject(className: "\(module).\(name)"))
    }
}
