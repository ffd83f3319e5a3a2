import CZlib
import Foundation

/// One file inside a zip archive, as its central directory describes it.
struct ZipEntry: Sendable {
    let name: String
    /// 0 is stored, 8 is deflate.
    let method: Int
    let crc32: UInt32
    let compressedSize: Int
    let uncompressedSize: Int
    let localHeaderOffset: Int
    /// Offset of the first data byte, after the local header; set by validation.
    var dataOffset: Int = 0
}

/// A read-only zip archive (the container of `torch.save` and `torch.jit.save`),
/// checked against hostile input before any entry is read: every offset and
/// size must lie inside the file, entries must not overlap, and counts must
/// fit the central directory's size. Supports stored and deflate entries and
/// zip64 sizes and offsets; rejects encryption, multi-disk archives and other
/// compression methods.
final class ZipArchive: @unchecked Sendable {
    let file: TorchArchiveFile
    private(set) var entries: [String: ZipEntry] = [:]
    /// Entry names in central directory order.
    private(set) var names: [String] = []

    var path: String { file.path }

    init(path: String) throws {
        file = try TorchArchiveFile(path: path)
        try readCentralDirectory()
    }

    /// Reads one entry's bytes, inflating deflate entries, and checks its CRC-32.
    func read(_ name: String) throws -> [UInt8] {
        guard let entry = entries[name] else {
            throw CheckpointError.invalidArchive(path: path, reason: "archive entry '\(name)' is missing")
        }
        let raw = try file.read(offset: entry.dataOffset, count: entry.compressedSize)
        let bytes = entry.method == 8 ? try inflate(raw, entry: entry) : raw
        guard bytes.count == entry.uncompressedSize else {
            throw invalid("entry '\(name)' has \(bytes.count) bytes, its header declares \(entry.uncompressedSize)")
        }
        let crc = bytes.withUnsafeBufferPointer { buffer -> UInt32 in
            var value = CZlib.crc32(0, nil, 0)
            var offset = 0
            // zlib's crc32 takes a 32-bit length, so feed it in chunks.
            while offset < buffer.count {
                let chunk = min(buffer.count - offset, 1 << 30)
                value = CZlib.crc32(value, buffer.baseAddress.map { $0 + offset }, uInt(chunk))
                offset += chunk
            }
            return UInt32(truncatingIfNeeded: value)
        }
        guard crc == entry.crc32 else {
            throw invalid("entry '\(name)' fails its CRC-32 check (the file is corrupted)")
        }
        return bytes
    }

    private func invalid(_ reason: String) -> CheckpointError {
        .invalidArchive(path: path, reason: reason)
    }

    // MARK: - Central directory

    private static let endSignature = 0x0605_4b50
    private static let zip64LocatorSignature = 0x0706_4b50
    private static let zip64EndSignature = 0x0606_4b50
    private static let centralSignature = 0x0201_4b50
    private static let localSignature = 0x0403_4b50
    /// Fixed part of a central directory record; names and extras follow.
    private static let centralRecordSize = 46

    private func readCentralDirectory() throws {
        let (count, directoryOffset, directorySize) = try readEndRecord()

        // Each record is at least 46 bytes, so a count larger than that
        // allows is a lie that would otherwise drive a huge loop.
        guard count <= directorySize / Self.centralRecordSize else {
            throw invalid("central directory declares \(count) entries but is only \(directorySize) bytes")
        }
        let directory = try file.read(offset: directoryOffset, count: directorySize)
        var cursor = ZipFieldCursor(directory)
        for index in 0..<count {
            let entry = try readCentralRecord(&cursor, index: index)
            guard entries[entry.name] == nil else { throw invalid("entry '\(entry.name)' appears twice") }
            entries[entry.name] = entry
            names.append(entry.name)
        }

        try locateEntryData(directoryOffset: directoryOffset)
    }

    /// Returns the entry count, offset and size of the central directory from
    /// the end record, or from the zip64 end record when a field overflows.
    private func readEndRecord() throws -> (count: Int, offset: Int, size: Int) {
        // The end record is 22 bytes plus a comment of at most 65535 bytes.
        let tailLength = min(file.size, 22 + 65535)
        let tail = try file.read(offset: file.size - tailLength, count: tailLength)
        var endIndex: Int?
        var index = tail.count - 22
        while index >= 0 {
            if tail[index] == 0x50, tail[index + 1] == 0x4b, tail[index + 2] == 0x05, tail[index + 3] == 0x06 {
                endIndex = index
                break
            }
            index -= 1
        }
        guard let endIndex else {
            // torch.save before PyTorch 1.6 wrote a bare pickle stream, which starts with PROTO (0x80).
            if file.size >= 2, try file.read(offset: 0, count: 2) == [0x80, 0x02] {
                throw invalid("file uses the torch.save format from before PyTorch 1.6 (a bare pickle stream), which is not supported; re-save it with a current PyTorch: torch.save(torch.load(OLD), NEW)")
            }
            throw invalid("no zip end of central directory record (the file is truncated or not a zip archive)")
        }

        var cursor = ZipFieldCursor(tail, at: endIndex + 4)
        guard let disk = cursor.u16(), let directoryDisk = cursor.u16(), let diskCount = cursor.u16(),
              let totalCount = cursor.u16(), var size = cursor.u32(), var offset = cursor.u32() else {
            throw invalid("end of central directory record is cut short")
        }
        var count = totalCount
        var isMultiDisk = disk != 0 || directoryDisk != 0 || diskCount != totalCount

        if totalCount == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            let endOffset = file.size - tailLength + endIndex
            guard endOffset >= 20 else { throw invalid("zip64 end of central directory locator is missing") }
            var locator = ZipFieldCursor(try file.read(offset: endOffset - 20, count: 20))
            guard locator.u32() == Self.zip64LocatorSignature, locator.u32() != nil,
                  let recordOffset = locator.u64(), recordOffset <= file.size - 56 else {
                throw invalid("zip64 end of central directory locator is missing or points outside the file")
            }
            var record = ZipFieldCursor(try file.read(offset: recordOffset, count: 56))
            guard record.u32() == Self.zip64EndSignature, record.u64() != nil, record.u16() != nil, record.u16() != nil,
                  let disk64 = record.u32(), let directoryDisk64 = record.u32(), let diskCount64 = record.u64(),
                  let count64 = record.u64(), let size64 = record.u64(), let offset64 = record.u64() else {
                throw invalid("zip64 end of central directory record is malformed")
            }
            isMultiDisk = disk64 != 0 || directoryDisk64 != 0 || diskCount64 != count64
            count = count64
            size = size64
            offset = offset64
        }

        guard !isMultiDisk else { throw invalid("multi-disk zip archives are not supported") }
        let (end, overflow) = offset.addingReportingOverflow(size)
        guard !overflow, end <= file.size else {
            throw invalid("central directory (\(size) bytes at offset \(offset)) lies outside the file (\(file.size) bytes); the file is truncated")
        }
        return (count, offset, size)
    }

    private func readCentralRecord(_ cursor: inout ZipFieldCursor, index: Int) throws -> ZipEntry {
        let recordStart = cursor.position
        guard cursor.u32() == Self.centralSignature else {
            throw invalid("bad central directory: record \(index) at offset \(recordStart) has no central header signature")
        }
        guard cursor.take(4) != nil, let flags = cursor.u16(), let method = cursor.u16(), cursor.take(4) != nil,
              let crc = cursor.uint(4), var compressed = cursor.u32(), var uncompressed = cursor.u32(),
              let nameLength = cursor.u16(), let extraLength = cursor.u16(), let commentLength = cursor.u16(),
              cursor.take(8) != nil, var localOffset = cursor.u32(),
              let nameBytes = cursor.take(nameLength), let extra = cursor.take(extraLength), cursor.take(commentLength) != nil else {
            throw invalid("bad central directory: record \(index) is cut short")
        }
        guard let name = String(bytes: nameBytes, encoding: .utf8) else {
            throw invalid("bad central directory: record \(index) has a name that is not UTF-8")
        }
        guard flags & 1 == 0 else { throw invalid("entry '\(name)' is encrypted") }
        guard method == 0 || method == 8 else {
            throw invalid("entry '\(name)' uses compression method \(method); only stored (0) and deflate (8) are supported")
        }

        // Zip64: fields set to 0xFFFFFFFF are replaced, in this order, by
        // 64-bit values from the extra field with id 1.
        if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF || localOffset == 0xFFFF_FFFF {
            var extras = ZipFieldCursor(Array(extra))
            var found = false
            while extras.remaining >= 4, let id = extras.u16(), let length = extras.u16() {
                guard let body = extras.take(length) else { break }
                guard id == 1 else { continue }
                var values = ZipFieldCursor(Array(body))
                if uncompressed == 0xFFFF_FFFF { uncompressed = values.u64() ?? -1 }
                if compressed == 0xFFFF_FFFF { compressed = values.u64() ?? -1 }
                if localOffset == 0xFFFF_FFFF { localOffset = values.u64() ?? -1 }
                found = true
            }
            guard found, compressed >= 0, uncompressed >= 0, localOffset >= 0 else {
                throw invalid("entry '\(name)' has a missing or short zip64 extra field")
            }
        }
        guard method == 8 || compressed == uncompressed else {
            throw invalid("stored entry '\(name)' declares \(compressed) stored bytes but \(uncompressed) uncompressed")
        }
        // Deflate expands at most 1032 to 1 (zlib's documented limit), so a larger
        // declared size is false and would only make the reader allocate it.
        let (maxInflated, overflow) = compressed.multipliedReportingOverflow(by: 1032)
        guard method == 0 || overflow || uncompressed <= max(maxInflated, 1 << 16) else {
            throw invalid("deflate entry '\(name)' declares \(uncompressed) bytes from \(compressed) compressed bytes, more than deflate can expand")
        }
        return ZipEntry(name: name, method: method, crc32: UInt32(crc), compressedSize: compressed,
                        uncompressedSize: uncompressed, localHeaderOffset: localOffset)
    }

    /// Reads each local header to find where the data starts, and checks that
    /// every entry lies before the central directory and overlaps no other.
    private func locateEntryData(directoryOffset: Int) throws {
        var spans: [(start: Int, end: Int, name: String)] = []
        for name in names {
            guard var entry = entries[name] else { continue }
            guard entry.localHeaderOffset <= directoryOffset - 30 else {
                throw invalid("entry '\(name)' has its local header at offset \(entry.localHeaderOffset), outside the file's data area (\(directoryOffset) bytes)")
            }
            var header = ZipFieldCursor(try file.read(offset: entry.localHeaderOffset, count: 30))
            guard header.u32() == Self.localSignature, header.take(22) != nil,
                  let nameLength = header.u16(), let extraLength = header.u16() else {
                throw invalid("entry '\(name)' has no local header at offset \(entry.localHeaderOffset)")
            }
            let dataOffset = entry.localHeaderOffset + 30 + nameLength + extraLength
            let (dataEnd, overflow) = dataOffset.addingReportingOverflow(entry.compressedSize)
            guard !overflow, dataEnd <= directoryOffset else {
                throw invalid("entry '\(name)' (\(entry.compressedSize) bytes at offset \(dataOffset)) extends outside the file's data area; the file is truncated or corrupted")
            }
            entry.dataOffset = dataOffset
            entries[name] = entry
            spans.append((entry.localHeaderOffset, dataEnd, name))
        }

        spans.sort { $0.start < $1.start }
        for (previous, next) in zip(spans, spans.dropFirst()) where next.start < previous.end {
            throw invalid("entries '\(previous.name)' and '\(next.name)' overlap")
        }
    }

    // MARK: - Deflate

    private func inflate(_ input: [UInt8], entry: ZipEntry) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: entry.uncompressedSize)
        var stream = z_stream()
        // Negative window bits: raw deflate data without a zlib header, as zip stores it.
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw invalid("cannot start zlib for entry '\(entry.name)'")
        }
        defer { inflateEnd(&stream) }

        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.next_out = outBuffer.baseAddress
                var inLeft = inBuffer.count
                var outLeft = outBuffer.count
                var result = Z_OK
                // avail_in and avail_out are 32-bit, so large entries go in chunks.
                while result == Z_OK {
                    let inChunk = min(inLeft, Int(UInt32.max))
                    let outChunk = min(outLeft, Int(UInt32.max))
                    stream.avail_in = uInt(inChunk)
                    stream.avail_out = uInt(outChunk)
                    result = CZlib.inflate(&stream, Z_NO_FLUSH)
                    inLeft -= inChunk - Int(stream.avail_in)
                    outLeft -= outChunk - Int(stream.avail_out)
                    if result == Z_BUF_ERROR, inLeft > 0, outLeft > 0 { result = Z_OK }
                    if result == Z_OK, outLeft == 0 || inLeft == 0 { break }
                }
                return result
            }
        }
        guard status == Z_STREAM_END else {
            throw invalid("entry '\(entry.name)' has corrupt deflate data (zlib status \(status))")
        }
        return Array(output.prefix(Int(stream.total_out)))
    }
}
