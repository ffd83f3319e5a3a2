#if canImport(Glibc)
import Glibc
#endif

/// Reads lines of bytes from a file descriptor without Foundation's
/// buffering, so a script driving the REPL gets each result as soon as it
/// sends a line. Memory use grows with the longest line, not the input.
struct LineReader {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    /// Bytes before this index (from `start`) hold no newline, so a long line is scanned once.
    private var scanned = 0
    private var atEnd = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Returns the next line without its "\n" (and without a "\r" before it), or nil at end of input.
    mutating func nextLine() -> [UInt8]? {
        while true {
            if let newline = buffer[max(start, scanned)...].firstIndex(of: 0x0A) {
                var line = Array(buffer[start..<newline])
                start = newline + 1
                scanned = start
                if line.last == 0x0D { line.removeLast() }
                compact()
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                var line = Array(buffer[start...])
                start = buffer.count
                if line.last == 0x0D { line.removeLast() }
                return line
            }
            scanned = buffer.count
            fill()
        }
    }

    private mutating func compact() {
        if start > 1 << 20 || start == buffer.count {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
    }

    private mutating func fill() {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                atEnd = true
                return
            }
            buffer.append(contentsOf: chunk[0..<count])
            return
        }
    }
}

/// Decodes a line as UTF-8, replacing invalid bytes with U+FFFD as Python's
/// `errors="replace"` does. Returns whether any replacement happened.
func decodeLine(_ bytes: [UInt8]) -> (text: String, replaced: Bool) {
    if let valid = String(validating: bytes, as: UTF8.self) { return (valid, false) }
    return (String(decoding: bytes, as: UTF8.self), true)
}
