import CZlib
import Foundation

/// Reads a gzip file whole with zlib.
enum GzipFile {
    /// Returns the decompressed bytes of the gzip file at `path`.
    /// - Throws: `TokenizerError.unreadableFile` when the file is missing, truncated or not gzip.
    static func read(path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TokenizerError.unreadableFile(path: path, reason: "the file is missing or not readable")
        }
        return try inflate([UInt8](data), path: path)
    }

    static func inflate(_ compressed: [UInt8], path: String) throws -> [UInt8] {
        var stream = z_stream()
        // 16 + MAX_WBITS selects the gzip wrapper rather than raw zlib.
        let status = inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            throw TokenizerError.unreadableFile(path: path, reason: "zlib failed to start (status \(status))")
        }
        defer { inflateEnd(&stream) }

        var output: [UInt8] = []
        output.reserveCapacity(compressed.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = compressed
        var result: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = uInt(chunkBuffer.count)
                    result = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return chunkBuffer.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
            } while result == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        guard result == Z_STREAM_END else {
            let reason = result == Z_OK || result == Z_BUF_ERROR
                ? "the gzip data ends early (truncated file)"
                : "not valid gzip data (zlib status \(result))"
            throw TokenizerError.unreadableFile(path: path, reason: reason)
        }
        return output
    }
}
