import Foundation

/// Byte-level BPE over vocabulary ids, with a thread-safe cache of words.
///
/// BPE follows OpenAI's `SimpleTokenizer.bpe`: a word's bytes become byte
/// symbols, the last one marked with "</w>"; then, while some adjacent pair
/// has a merge, the pair with the lowest rank is merged at every place it
/// occurs, left to right.
final class BytePairEncoder: @unchecked Sendable {
    let vocabulary: Vocabulary

    /// Words above this many bytes are not cached, so a huge input cannot fill memory.
    static let maxCachedWordLength = 128
    /// The cache is emptied when it reaches this many words.
    static let maxCachedWords = 200_000
    /// Words longer than this use the heap-based merge loop, which is O(n log n).
    static let linearScanLimit = 48

    private struct CacheEntry {
        let bytes: [UInt8]
        let ids: [Int32]
    }

    private var cache: [UInt64: CacheEntry] = [:]
    private let lock = NSLock()
    private let specialWords: [[UInt8]: Int32]

    init(vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
        specialWords = [
            Array(Vocabulary.startOfText.utf8): vocabulary.startOfTextID,
            Array(Vocabulary.endOfText.utf8): vocabulary.endOfTextID,
        ]
    }

    /// Appends the ids of one pre-token, given as UTF-8 bytes, to `output`.
    func encodeWord(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        guard bytes.count <= Self.maxCachedWordLength else {
            output.append(contentsOf: merge(Array(bytes)))
            return
        }
        let key = Self.hash(bytes)
        lock.lock()
        if let entry = cache[key], entry.bytes.elementsEqual(bytes) {
            lock.unlock()
            output.append(contentsOf: entry.ids)
            return
        }
        lock.unlock()

        let word = Array(bytes)
        let ids = merge(word)

        lock.lock()
        if cache.count >= Self.maxCachedWords { cache.removeAll(keepingCapacity: true) }
        if cache[key] == nil { cache[key] = CacheEntry(bytes: word, ids: ids) }
        lock.unlock()
        output.append(contentsOf: ids)
    }

    func encodeWord(_ bytes: [UInt8]) -> [Int32] {
        var output: [Int32] = []
        bytes.withUnsafeBufferPointer { encodeWord($0, into: &output) }
        return output
    }

    /// True for the typed special tokens, which BPE never splits.
    func isSpecialWord(_ bytes: [UInt8]) -> Bool {
        specialWords[bytes] != nil
    }

    /// FNV-1a, 64-bit; collisions are harmless because entries keep their bytes.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    // MARK: - Merging

    @inline(__always)
    func mergeInfo(_ left: Int32, _ right: Int32) -> (rank: UInt32, merged: Int32)? {
        guard let packed = vocabulary.merges[UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))] else {
            return nil
        }
        return (UInt32(truncatingIfNeeded: packed >> 32), Int32(bitPattern: UInt32(truncatingIfNeeded: packed)))
    }

    /// Returns the initial symbols of a word: one per byte, the last with "</w>".
    func initialSymbols(_ bytes: [UInt8]) -> [Int32] {
        var symbols = bytes.map { vocabulary.byteIDs[Int($0)] }
        if let last = bytes.last { symbols[symbols.count - 1] = vocabulary.byteEndIDs[Int(last)] }
        return symbols
    }

    /// Returns the BPE ids of a word's bytes (no cache).
    func merge(_ bytes: [UInt8]) -> [Int32] {
        guard !bytes.isEmpty else { return [] }
        if let special = specialWords[bytes] { return [special] }  // OpenAI's cache maps typed specials to their ids.
        if bytes.count > Self.linearScanLimit { return mergeWithHeap(initialSymbols(bytes)) }
        var symbols = initialSymbols(bytes)
        while symbols.count > 1, let step = lowestRankedPair(symbols) {
            symbols = apply(step.left, step.right, step.merged, to: symbols)
        }
        return symbols
    }

    func lowestRankedPair(_ symbols: [Int32]) -> (left: Int32, right: Int32, merged: Int32, rank: UInt32)? {
        var best: (left: Int32, right: Int32, merged: Int32, rank: UInt32)?
        for index in 0..<(symbols.count - 1) {
            guard let info = mergeInfo(symbols[index], symbols[index + 1]) else { continue }
            if best == nil || info.rank < (best?.rank ?? .max) {
                best = (symbols[index], symbols[index + 1], info.merged, info.rank)
            }
        }
        return best
    }

    /// Merges every occurrence of `left right`, scanning left to right without overlap.
    func apply(_ left: Int32, _ right: Int32, _ merged: Int32, to symbols: [Int32]) -> [Int32] {
        var result: [Int32] = []
        result.reserveCapacity(symbols.count)
        var index = 0
        while index < symbols.count {
            if index + 1 < symbols.count, symbols[index] == left, symbols[index + 1] == right {
                result.append(merged)
                index += 2
            } else {
                result.append(symbols[index])
                index += 1
            }
        }
        return result
    }

    /// Applies the same merges as the scan above, for long words. Candidate pairs wait
    /// in a min-heap keyed by (rank, position of the left symbol), and symbols
    /// form a linked list. Popping by position within a rank reproduces the
    /// left-to-right order of the scan, because a merge never recreates the pair it merged.
    func mergeWithHeap(_ initial: [Int32]) -> [Int32] {
        var symbols = initial
        let count = symbols.count
        var next = Array(1...count)       // count means "no next"
        var previous = Array(-1..<(count - 1))
        var alive = [Bool](repeating: true, count: count)
        var heap = MinHeap()

        for index in 0..<(count - 1) {
            if let info = mergeInfo(symbols[index], symbols[index + 1]) {
                heap.push(UInt64(info.rank) << 32 | UInt64(index))
            }
        }
        while let top = heap.pop() {
            let rank = UInt32(truncatingIfNeeded: top >> 32)
            let position = Int(UInt32(truncatingIfNeeded: top))
            guard alive[position] else { continue }
            let right = next[position]
            guard right < count, let info = mergeInfo(symbols[position], symbols[right]), info.rank == rank else { continue }

            symbols[position] = info.merged
            alive[right] = false
            let after = next[right]
            next[position] = after
            if after < count { previous[after] = position }

            let before = previous[position]
            if before >= 0, let left = mergeInfo(symbols[before], symbols[position]) {
                heap.push(UInt64(left.rank) << 32 | UInt64(before))
            }
            if after < count, let following = mergeInfo(symbols[position], symbols[after]) {
                heap.push(UInt64(following.rank) << 32 | UInt64(position))
            }
        }

        var result: [Int32] = []
        var index = 0
        while index < count {
            result.append(symbols[index])
            index = next[index]
        }
        return result
    }
}

/// A binary min-heap of packed (rank, position) keys.
struct MinHeap {
    private var items: [UInt64] = []

    mutating func push(_ value: UInt64) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> UInt64? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < items.count, items[left] < items[smallest] { smallest = left }
                if right < items.count, items[right] < items[smallest] { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
