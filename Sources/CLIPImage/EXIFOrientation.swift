// Reading the EXIF orientation tag (0x0112) from JPEG APP1, PNG eXIf and
// WebP EXIF blocks. Every offset comes from the file, so every read is
// bounds-checked and a damaged block gives orientation 1, as in Pillow,
// which ignores EXIF it cannot parse.

/// Bounds-checked reads from a byte array.
struct ByteReader {
    let bytes: [UInt8]
    let bigEndian: Bool

    func uint16(at offset: Int) -> Int? {
        guard offset >= 0, offset <= bytes.count - 2 else { return nil }
        let a = Int(bytes[offset]), b = Int(bytes[offset + 1])
        return bigEndian ? (a << 8 | b) : (b << 8 | a)
    }

    func uint32(at offset: Int) -> Int? {
        guard let first = uint16(at: offset), let second = uint16(at: offset + 2) else { return nil }
        return bigEndian ? (first << 16 | second) : (second << 16 | first)
    }
}

// NOTE: Pillow 13 also reads the orientation from XMP (tiff:Orientation) and
// from PNG "Raw profile type exif" text chunks when EXIF has none. Those are
// not read here, so such files are not turned upright.
enum EXIFOrientation {
    /// Returns the orientation tag of a TIFF-structured EXIF block (optionally
    /// prefixed by "Exif\0\0"), or nil when the block has none or is damaged.
    static func parse(tiff block: [UInt8]) -> Int? {
        var data = block
        if data.starts(with: Array("Exif\0\0".utf8)) {
            data.removeFirst(6)
        }
        guard data.count >= 8 else { return nil }
        let bigEndian: Bool
        if data[0] == 0x4D, data[1] == 0x4D {
            bigEndian = true
        } else if data[0] == 0x49, data[1] == 0x49 {
            bigEndian = false
        } else {
            return nil
        }
        let reader = ByteReader(bytes: data, bigEndian: bigEndian)
        guard reader.uint16(at: 2) == 42, let ifdOffset = reader.uint32(at: 4),
              let entryCount = reader.uint16(at: ifdOffset) else { return nil }

        // Each IFD entry is 12 bytes: tag, type, count, then the value or its offset.
        for index in 0..<entryCount {
            let entry = ifdOffset + 2 + index * 12
            guard let tag = reader.uint16(at: entry), let type = reader.uint16(at: entry + 2) else { return nil }
            guard tag == 0x0112 else { continue }
            switch type {
            case 3: return reader.uint16(at: entry + 8)   // SHORT, the type the EXIF standard gives
            case 4: return reader.uint32(at: entry + 8)   // LONG, written by some tools
            default: return nil
            }
        }
        return nil
    }

    /// Returns the orientation stored in a file, 1 when absent or outside 1...8.
    static func read(from bytes: [UInt8], format: ImageFormat) -> Int {
        let block: [UInt8]?
        switch format {
        case .jpeg: block = jpegEXIF(bytes)
        case .png: block = pngEXIF(bytes)
        case .webp: block = webpEXIF(bytes)
        }
        guard let block, let orientation = parse(tiff: block), (1...8).contains(orientation) else { return 1 }
        return orientation
    }

    /// Returns the first APP1 segment that starts with "Exif\0\0", the one Pillow uses.
    static func jpegEXIF(_ bytes: [UInt8]) -> [UInt8]? {
        var offset = 2  // after SOI
        while offset + 4 <= bytes.count {
            guard bytes[offset] == 0xFF else { return nil }
            let marker = bytes[offset + 1]
            if marker == 0xFF {  // fill byte before a marker
                offset += 1
                continue
            }
            if marker == 0xDA || marker == 0xD9 {  // start of scan or end of image: no more headers
                return nil
            }
            if (0xD0...0xD7).contains(marker) || marker == 0x01 {  // markers without a length
                offset += 2
                continue
            }
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else { return nil }
            let payload = Array(bytes[(offset + 4)..<(offset + 2 + length)])
            if marker == 0xE1, payload.starts(with: Array("Exif\0\0".utf8)) {
                return payload
            }
            offset += 2 + length
        }
        return nil
    }

    /// Returns the eXIf chunk's data, wherever it sits among the chunks.
    static func pngEXIF(_ bytes: [UInt8]) -> [UInt8]? {
        var offset = 8  // after the signature
        let reader = ByteReader(bytes: bytes, bigEndian: true)
        while let length = reader.uint32(at: offset), offset + 12 <= bytes.count {
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let dataStart = offset + 8
            guard length <= bytes.count - dataStart else { return nil }
            if type == "eXIf" {
                return Array(bytes[dataStart..<(dataStart + length)])
            }
            if type == "IEND" {
                return nil
            }
            offset = dataStart + length + 4  // data, then the CRC
        }
        return nil
    }

    /// Returns the EXIF chunk of a RIFF WebP container.
    static func webpEXIF(_ bytes: [UInt8]) -> [UInt8]? {
        var offset = 12  // after "RIFF", the size and "WEBP"
        let reader = ByteReader(bytes: bytes, bigEndian: false)
        while let length = reader.uint32(at: offset + 4) {
            let type = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            let dataStart = offset + 8
            guard length <= bytes.count - dataStart else { return nil }
            if type == "EXIF" {
                return Array(bytes[dataStart..<(dataStart + length)])
            }
            offset = dataStart + length + (length & 1)  // chunks are padded to even sizes
        }
        return nil
    }
}
