/// The kind of file that its first bytes identify.
enum DetectedFormat: Equatable {
    case supported(ImageFormat)
    /// A known image or document format that this layer does not decode.
    case unsupported(String)
    case unknown
}

extension DetectedFormat {
    /// Identifies a file from its magic bytes; the file name plays no part.
    init(magic bytes: [UInt8]) {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            guard bytes.count >= offset + prefix.count else { return false }
            return Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        func ascii(_ text: String, at offset: Int = 0) -> Bool { starts(Array(text.utf8), at: offset) }

        if starts([0xFF, 0xD8, 0xFF]) {
            self = .supported(.jpeg)
        } else if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .supported(.png)
        } else if ascii("RIFF"), ascii("WEBP", at: 8) {
            self = .supported(.webp)
        } else if ascii("GIF87a") || ascii("GIF89a") {
            self = .unsupported("GIF")
        } else if ascii("BM"), DetectedFormat.hasBMPInfoHeader(bytes) {
            self = .unsupported("BMP")
        } else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) {
            self = .unsupported("TIFF")
        } else if starts([0x49, 0x49, 0x2B, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2B]) {
            self = .unsupported("BigTIFF")
        } else if ascii("ftyp", at: 4) {
            self = DetectedFormat.isoMediaFormat(brand: bytes.count >= 12 ? Array(bytes[8..<12]) : [])
        } else if starts([0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) || starts([0xFF, 0x4F, 0xFF, 0x51]) {
            self = .unsupported("JPEG 2000")
        } else if starts([0xFF, 0x0A]) || starts([0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20]) {
            self = .unsupported("JPEG XL")
        } else if starts([0x00, 0x00, 0x01, 0x00]) {
            self = .unsupported("ICO")
        } else if ascii("8BPS") {
            self = .unsupported("PSD")
        } else if ascii("qoif") {
            self = .unsupported("QOI")
        } else if ascii("%PDF") {
            self = .unsupported("PDF")
        } else if ascii("RIFF") {
            self = .unsupported("RIFF (not WebP)")
        } else {
            self = .unknown
        }
    }

    /// Checks the size field of a BMP info header (offset 14), so that a text
    /// file starting with "BM" is not taken for a bitmap.
    private static func hasBMPInfoHeader(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 18 else { return false }
        let size = Int(bytes[14]) | Int(bytes[15]) << 8 | Int(bytes[16]) << 16 | Int(bytes[17]) << 24
        return [12, 16, 40, 52, 56, 64, 108, 124].contains(size)
    }

    /// Names an ISO base media file (HEIF family, AVIF, MP4) from its major brand.
    private static func isoMediaFormat(brand: [UInt8]) -> DetectedFormat {
        let name = String(decoding: brand.map { (0x20...0x7E).contains($0) ? $0 : 0x3F }, as: UTF8.self)
        switch name {
        case "avif", "avis": return .unsupported("AVIF")
        case "heic", "heix", "heim", "heis", "hevc", "hevx": return .unsupported("HEIC")
        case "mif1", "msf1": return .unsupported("HEIF")
        default: return .unsupported("ISO media (brand '\(name)')")
        }
    }
}
