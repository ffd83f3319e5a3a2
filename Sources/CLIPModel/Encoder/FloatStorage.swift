/// A read-only float32 tensor: either memory-mapped straight from a checkpoint
/// file (float32, little-endian, aligned), so loading copies nothing, or an
/// allocation owned by this object.
final class FloatStorage: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    let count: Int
    /// Keeps the mapping alive while a mapped storage exists; nil when owned.
    private let owner: AnyObject?
    private let ownsAllocation: Bool

    /// Copies `values` into a new allocation.
    init(_ values: [Float]) {
        let allocation = UnsafeMutablePointer<Float>.allocate(capacity: max(values.count, 1))
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { allocation.update(from: base, count: values.count) }
        }
        pointer = UnsafePointer(allocation)
        count = values.count
        owner = nil
        ownsAllocation = true
    }

    /// Refers to `count` floats that `owner` keeps valid.
    init(mapped pointer: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.pointer = pointer
        self.count = count
        self.owner = owner
        ownsAllocation = false
    }

    deinit {
        if ownsAllocation { UnsafeMutablePointer(mutating: pointer).deallocate() }
    }

    func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<Float>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: pointer, count: count))
    }
}
