/// A pickle reader for checkpoint files that never executes anything.
///
/// It implements the binary opcodes of protocols 2 to 5 that `torch.save` and
/// `torch.jit.save` emit (the text opcodes of protocol 0 and 1, sets, buffers
/// and extension codes are rejected). A global is resolved only through
/// `TorchGlobals`; any other raises `CheckpointError.forbiddenGlobal` as soon
/// as the GLOBAL opcode names it. Calls (REDUCE, NEWOBJ) only build values.
/// Opcode semantics follow CPython 3.11's `pickletools` descriptions.
struct RestrictedUnpickler {
    /// Maximum container nesting; state dicts nest about 4 deep, TorchScript modules one level per submodule.
    static let maxDepth = 100
    /// Maximum memo entries; a ViT-L state dict uses about 10 000.
    static let maxMemoCount = 10_000_000

    let path: String
    /// True for TorchScript archives, whose classes are `__torch__.*` globals.
    let allowsTorchScriptClasses: Bool
    /// Resolves a `persistent_load` id tuple to a storage, checking it against the archive.
    let loadPersistent: (PickleTuple) throws -> TorchStorage

    private var bytes: [UInt8] = []
    private var position = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    init(path: String, allowsTorchScriptClasses: Bool, loadPersistent: @escaping (PickleTuple) throws -> TorchStorage) {
        self.path = path
        self.allowsTorchScriptClasses = allowsTorchScriptClasses
        self.loadPersistent = loadPersistent
    }

    /// Reads one pickle from `data` and returns the value STOP leaves on the stack.
    mutating func load(_ data: [UInt8]) throws -> PickleValue {
        bytes = data
        position = 0
        stack = []
        marks = []
        memo = [:]

        while true {
            let opcodeOffset = position
            let opcode = try readByte()
            if opcode == 0x2E {  // STOP
                guard stack.count == 1, marks.isEmpty else {
                    throw invalid("STOP at offset \(opcodeOffset) leaves \(stack.count) values and \(marks.count) marks on the stack")
                }
                return stack[0]
            }
            try execute(opcode, at: opcodeOffset)
        }
    }

    // MARK: - Opcodes

    private mutating func execute(_ opcode: UInt8, at offset: Int) throws {
        switch opcode {
        case 0x80: _ = try readByte()                                  // PROTO
        case 0x95: _ = try readUInt(8)                                 // FRAME: a length hint only
        case 0x28: marks.append(stack.count)                           // MARK
        case 0x30: _ = try pop()                                       // POP
        case 0x31: _ = try popMark()                                   // POP_MARK
        case 0x32: try push(top())                                     // DUP

        case 0x4E: try push(.none)                                     // NONE
        case 0x88: try push(.bool(true))                               // NEWTRUE
        case 0x89: try push(.bool(false))                              // NEWFALSE
        case 0x4B: try push(.int(Int(try readUInt(1))))                // BININT1
        case 0x4D: try push(.int(Int(try readUInt(2))))                // BININT2
        case 0x4A: try push(.int(Int(Int32(truncatingIfNeeded: try readUInt(4)))))  // BININT
        case 0x8A: try push(.int(try readLong(Int(try readUInt(1)))))  // LONG1
        case 0x8B: try push(.int(try readLong(try readLength(4))))     // LONG4
        case 0x47: try push(.float(Double(bitPattern: try readBigEndianUInt64())))  // BINFLOAT

        case 0x58: try push(.string(try readString(try readLength(4))))    // BINUNICODE
        case 0x8C: try push(.string(try readString(try readLength(1))))    // SHORT_BINUNICODE
        case 0x8D: try push(.string(try readString(try readLength(8))))    // BINUNICODE8
        case 0x55: try push(.string(try readLatin1(try readLength(1))))    // SHORT_BINSTRING
        case 0x54: try push(.string(try readLatin1(try readLength(4))))    // BINSTRING
        case 0x43: try push(.bytes(try readBytes(try readLength(1))))      // SHORT_BINBYTES
        case 0x42: try push(.bytes(try readBytes(try readLength(4))))      // BINBYTES
        case 0x8E: try push(.bytes(try readBytes(try readLength(8))))      // BINBYTES8

        case 0x29: try push(.tuple(PickleTuple([])))                   // EMPTY_TUPLE
        case 0x85: try pushTuple(count: 1)                             // TUPLE1
        case 0x86: try pushTuple(count: 2)                             // TUPLE2
        case 0x87: try pushTuple(count: 3)                             // TUPLE3
        case 0x74: try pushTuple(items: try popMark())                 // TUPLE
        case 0x5D: try push(.list(PickleList()))                       // EMPTY_LIST
        case 0x6C: try pushList(try popMark())                         // LIST
        case 0x61: try append([try pop()])                             // APPEND
        case 0x65: try append(try popMark())                           // APPENDS
        case 0x7D: try push(.dict(PickleDict()))                       // EMPTY_DICT
        case 0x64: try pushDict(try popMark())                         // DICT
        case 0x73:                                                     // SETITEM
            let value = try pop()
            let key = try pop()
            try setItems([key, value])
        case 0x75: try setItems(try popMark())                         // SETITEMS

        case 0x71: try storeMemo(Int(try readUInt(1)))                 // BINPUT
        case 0x72: try storeMemo(Int(try readUInt(4)))                 // LONG_BINPUT
        case 0x94: try storeMemo(memo.count)                           // MEMOIZE
        case 0x68: try push(try fetchMemo(Int(try readUInt(1))))       // BINGET
        case 0x6A: try push(try fetchMemo(Int(try readUInt(4))))       // LONG_BINGET

        case 0x63:                                                     // GLOBAL
            let module = try readLine()
            let name = try readLine()
            try push(try resolveGlobal(module: module, name: name))
        case 0x93:                                                     // STACK_GLOBAL
            guard case .string(let name) = try pop(), case .string(let module) = try pop() else {
                throw invalid("STACK_GLOBAL at offset \(offset) needs two strings")
            }
            try push(try resolveGlobal(module: module, name: name))
        case 0x52:                                                     // REDUCE
            let arguments = try pop()
            let callable = try pop()
            guard case .tuple(let tuple) = arguments else {
                throw invalid("REDUCE at offset \(offset) has \(arguments.typeName) arguments, expected a tuple")
            }
            try push(try TorchGlobals.call(callable, arguments: tuple, path: path))
        case 0x81:                                                     // NEWOBJ
            let arguments = try pop()
            let callable = try pop()
            try push(try TorchGlobals.instantiate(callable, arguments: arguments, path: path))
        case 0x62:                                                     // BUILD
            let state = try pop()
            try build(top(), state: state, offset: offset)
        case 0x51:                                                     // BINPERSID
            guard case .tuple(let id) = try pop() else {
                throw invalid("persistent id at offset \(offset) is not a tuple")
            }
            try push(.storage(try loadPersistent(id)))

        default:
            throw invalid("unsupported pickle opcode 0x\(String(opcode, radix: 16)) at offset \(offset); state dicts saved by torch.save never contain it")
        }
    }

    // MARK: - Stack and memo

    private mutating func push(_ value: PickleValue) throws {
        guard value.depth <= Self.maxDepth else { throw tooDeep() }
        stack.append(value)
    }

    private mutating func pop() throws -> PickleValue {
        guard stack.count > (marks.last ?? 0), let value = stack.popLast() else {
            throw invalid("pickle stack underflow at offset \(position - 1)")
        }
        return value
    }

    private func top() throws -> PickleValue {
        guard stack.count > (marks.last ?? 0), let value = stack.last else {
            throw invalid("pickle stack underflow at offset \(position - 1)")
        }
        return value
    }

    /// Pops everything above the latest MARK, in stack order.
    private mutating func popMark() throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw invalid("pickle opcode at offset \(position - 1) needs a MARK") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private mutating func pushTuple(count: Int) throws {
        guard stack.count - (marks.last ?? 0) >= count else {
            throw invalid("pickle stack underflow at offset \(position - 1)")
        }
        let items = Array(stack.suffix(count))
        stack.removeLast(count)
        try pushTuple(items: items)
    }

    private mutating func pushTuple(items: [PickleValue]) throws {
        try push(.tuple(PickleTuple(items)))
    }

    private mutating func pushList(_ items: [PickleValue]) throws {
        let list = PickleList()
        try push(.list(list))
        try append(items)
    }

    private mutating func pushDict(_ items: [PickleValue]) throws {
        let dict = PickleDict()
        try push(.dict(dict))
        try setItems(items)
    }

    private mutating func append(_ items: [PickleValue]) throws {
        guard case .list(let list) = try top() else {
            throw invalid("APPEND at offset \(position - 1) targets \(try top().typeName), expected a list")
        }
        try checkMutable(list)
        for item in items {
            guard list.adopt(item, maxDepth: Self.maxDepth) else { throw tooDeep() }
            list.items.append(item)
        }
    }

    private mutating func setItems(_ items: [PickleValue]) throws {
        guard items.count % 2 == 0 else { throw invalid("SETITEMS at offset \(position - 1) has an odd number of values") }
        guard case .dict(let dict) = try top() else {
            throw invalid("SETITEM at offset \(position - 1) targets \(try top().typeName), expected a dict")
        }
        try checkMutable(dict)
        for index in stride(from: 0, to: items.count, by: 2) {
            guard dict.adopt(items[index], maxDepth: Self.maxDepth),
                  dict.adopt(items[index + 1], maxDepth: Self.maxDepth) else { throw tooDeep() }
            dict.set(items[index], items[index + 1])
        }
    }

    private func checkMutable(_ container: PickleContainer) throws {
        guard !container.isNested else {
            throw invalid("pickle changes a container after nesting it at offset \(position - 1); recursive structures are not supported")
        }
    }

    private mutating func build(_ target: PickleValue, state: PickleValue, offset: Int) throws {
        switch target {
        case .object(let object):
            guard case .dict(let attributes) = state else {
                throw invalid("BUILD at offset \(offset) gives \(object.className) a \(state.typeName) state, expected a dict")
            }
            try checkMutable(object.attributes)
            guard attributes.depth < Self.maxDepth else { throw tooDeep() }
            markNested(state)
            object.attributes = attributes
        case .dict:
            // nn.Module.state_dict() pickles its `_metadata` (module versions) this way, and it contains no weights.
            break
        default:
            throw invalid("BUILD at offset \(offset) targets \(target.typeName), which takes no state")
        }
    }

    private mutating func storeMemo(_ index: Int) throws {
        guard memo.count < Self.maxMemoCount || memo[index] != nil else {
            throw invalid("pickle memo exceeds \(Self.maxMemoCount) entries")
        }
        memo[index] = try top()
    }

    private func fetchMemo(_ index: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw invalid("pickle memo entry \(index) is read before it is written") }
        return value
    }

    private func resolveGlobal(module: String, name: String) throws -> PickleValue {
        if TorchGlobals.isAllowed(module: module, name: name) {
            return .global(module: module, name: name)
        }
        if allowsTorchScriptClasses, module == "__torch__" || module.hasPrefix("__torch__.") {
            return .global(module: module, name: name)
        }
        throw CheckpointError.forbiddenGlobal(path: path, module: module, name: name)
    }

    // MARK: - Reading the stream

    private func invalid(_ reason: String) -> CheckpointError {
        .invalidArchive(path: path, reason: reason)
    }

    private func tooDeep() -> CheckpointError {
        invalid("pickle nests containers more than \(Self.maxDepth) deep near offset \(position - 1)")
    }

    private mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else { throw invalid("pickle ends at offset \(position) without STOP") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func readBytes(_ count: Int) throws -> [UInt8] {
        guard count <= bytes.count - position else {
            throw invalid("pickle ends inside a \(count)-byte value at offset \(position)")
        }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    /// Little-endian unsigned integer of `width` bytes (at most 8).
    private mutating func readUInt(_ width: Int) throws -> UInt64 {
        let field = try readBytes(width)
        var value: UInt64 = 0
        for (index, byte) in field.enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
        return value
    }

    /// Reads a length prefix and rejects it when it exceeds what is left of the stream.
    private mutating func readLength(_ width: Int) throws -> Int {
        let value = try readUInt(width)
        guard value <= UInt64(bytes.count - position) else {
            throw invalid("pickle declares a \(value)-byte value at offset \(position) but only \(bytes.count - position) bytes remain")
        }
        return Int(value)
    }

    private mutating func readBigEndianUInt64() throws -> UInt64 {
        try readBytes(8).reduce(0) { ($0 << 8) | UInt64($1) }
    }

    /// Reads a two's-complement little-endian integer (LONG1/LONG4) and rejects values beyond 64 bits.
    private mutating func readLong(_ count: Int) throws -> Int {
        let field = try readBytes(count)
        guard count <= 8 else {
            let negative = field.last.map { $0 & 0x80 != 0 } ?? false
            let padding: UInt8 = negative ? 0xFF : 0
            guard field[8...].allSatisfy({ $0 == padding }) else {
                throw invalid("pickle integer of \(count) bytes at offset \(position - count) does not fit 64 bits")
            }
            return try Self.signedValue(Array(field.prefix(8)), negativeHint: negative)
        }
        return try Self.signedValue(field, negativeHint: field.last.map { $0 & 0x80 != 0 } ?? false)
    }

    private static func signedValue(_ field: [UInt8], negativeHint: Bool) throws -> Int {
        guard !field.isEmpty else { return 0 }
        var value: UInt64 = negativeHint ? UInt64.max : 0
        for (index, byte) in field.enumerated() {
            let shift = UInt64(8 * index)
            value &= ~(UInt64(0xFF) << shift)
            value |= UInt64(byte) << shift
        }
        return Int(bitPattern: UInt(value))
    }

    private mutating func readString(_ count: Int) throws -> String {
        let field = try readBytes(count)
        guard let text = String(validating: field, as: UTF8.self) else {
            throw invalid("pickle string at offset \(position - count) is not valid UTF-8")
        }
        return text
    }

    private mutating func readLatin1(_ count: Int) throws -> String {
        String(decoding: try readBytes(count).map { UInt16($0) }, as: UTF16.self)
    }

    /// Reads a newline-terminated line of at most 256 bytes, the form of GLOBAL's module and name.
    private mutating func readLine() throws -> String {
        guard let end = bytes[position...].prefix(257).firstIndex(of: 0x0A) else {
            throw invalid("GLOBAL name at offset \(position) has no newline within 256 bytes")
        }
        let field = bytes[position..<end]
        position = end + 1
        guard let text = String(validating: field, as: UTF8.self) else {
            throw invalid("GLOBAL name at offset \(end - field.count) is not valid UTF-8")
        }
        return text
    }
}
