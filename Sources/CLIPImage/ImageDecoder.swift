import CImageCodecs
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Decodes JPEG, PNG and WebP files to RGB with the pixels Pillow 13 gives,
/// after checking the declared size against a pixel limit.
public struct ImageDecoder: Sendable {
    /// Largest width x height accepted; larger headers fail before any pixel buffer is allocated.
    public var maxPixels: Int

    /// The environment variable that overrides the built-in pixel limit.
    public static let maxPixelsEnvironmentVariable = "CLIP_EXPLORER_MAX_PIXELS"

    /// Pillow's limit: it raises DecompressionBombError above twice
    /// Image.MAX_IMAGE_PIXELS (2 x 89,478,485 pixels in Pillow 13).
    public static let builtInMaxPixels = 178_956_970

    /// CLIP_EXPLORER_MAX_PIXELS when it holds a positive whole number, else `builtInMaxPixels`.
    public static var defaultMaxPixels: Int {
        if let text = ProcessInfo.processInfo.environment[maxPixelsEnvironmentVariable],
           let value = Int(text), value > 0 {
            return value
        }
        return builtInMaxPixels
    }

    public init(maxPixels: Int = ImageDecoder.defaultMaxPixels) {
        self.maxPixels = maxPixels
    }

    /// Reads and decodes the file at `path`. With `applyEXIF`, the image is
    /// turned upright as its EXIF orientation says.
    public func decode(path: String, applyEXIF: Bool = true) throws -> DecodedImage {
        let bytes = try ImageDecoder.readFile(path: path)
        return try decode(bytes: bytes, name: path, applyEXIF: applyEXIF)
    }

    /// Decodes an encoded image held in memory. `name` is the file name used in errors.
    public func decode(bytes: [UInt8], name: String, applyEXIF: Bool = true) throws -> DecodedImage {
        guard !bytes.isEmpty else { throw ImageError.emptyFile(path: name) }

        let format: ImageFormat
        switch DetectedFormat(magic: Array(bytes.prefix(16))) {
        case .supported(let detected): format = detected
        case .unsupported(let formatName): throw ImageError.unsupportedFormat(path: name, format: formatName)
        case .unknown: throw ImageError.notAnImage(path: name)
        }

        var result = cic_image()
        let limit = UInt64(max(0, maxPixels))
        let status = bytes.withUnsafeBufferPointer { buffer -> cic_status in
            guard let base = buffer.baseAddress else { return CIC_ERROR_INVALID }
            switch format {
            case .jpeg: return cic_decode_jpeg(base, buffer.count, limit, &result)
            case .png: return cic_decode_png(base, buffer.count, limit, &result)
            case .webp: return cic_decode_webp(base, buffer.count, limit, &result)
            }
        }
        defer { cic_free_pixels(&result) }
        try ImageDecoder.check(status, result: &result, format: format, name: name, limit: maxPixels)

        let width = Int(result.width), height = Int(result.height)
        guard let pixelPointer = result.pixels else {
            throw ImageError.outOfMemory(path: name, width: width, height: height)
        }
        let pixels = Array(UnsafeBufferPointer(start: pixelPointer, count: width * height * 3))
        var image = RGBImage(width: width, height: height, pixels: pixels)

        let orientation = EXIFOrientation.read(from: bytes, format: format)
        let rotate = applyEXIF && orientation != 1
        if rotate {
            image = image.applyingEXIFOrientation(orientation)
        }
        return DecodedImage(
            image: image, format: format, mode: ImageDecoder.text(of: &result.mode),
            exifOrientation: orientation, exifRotationApplied: rotate,
            warnings: ImageDecoder.warnings(of: &result))
    }

    // MARK: - Steps

    /// Turns a C status into the matching ImageError.
    private static func check(_ status: cic_status, result: inout cic_image, format: ImageFormat,
                              name: String, limit: Int) throws {
        let message = text(of: &result.message)
        let width = Int(result.width), height = Int(result.height)
        switch status {
        case CIC_OK:
            return
        case CIC_ERROR_TRUNCATED:
            throw ImageError.truncated(path: name, format: format, detail: message)
        case CIC_ERROR_TOO_MANY_PIXELS:
            throw ImageError.tooManyPixels(path: name, width: width, height: height, limit: limit)
        case CIC_ERROR_OUT_OF_MEMORY:
            throw ImageError.outOfMemory(path: name, width: width, height: height)
        case CIC_ERROR_UNSUPPORTED:
            throw ImageError.unsupportedVariant(path: name, format: format, detail: message)
        default:
            throw ImageError.invalidData(path: name, format: format, detail: message.isEmpty ? "decoder failed" : message)
        }
    }

    /// Reads a whole regular file, mapping each failure to an ImageError that names `path`.
    static func readFile(path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            switch errno {
            case ENOENT, ENOTDIR: throw ImageError.fileNotFound(path: path)
            case EACCES, EPERM: throw ImageError.permissionDenied(path: path)
            case EISDIR: throw ImageError.isDirectory(path: path)
            default: throw ImageError.readFailed(path: path, reason: String(cString: strerror(errno)))
            }
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw ImageError.readFailed(path: path, reason: String(cString: strerror(errno)))
        }
        let kind = status.st_mode & S_IFMT
        if kind == S_IFDIR { throw ImageError.isDirectory(path: path) }
        guard kind == S_IFREG else { throw ImageError.notRegularFile(path: path) }

        let size = Int(status.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let count = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return read(descriptor, base + offset, size - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EISDIR { throw ImageError.isDirectory(path: path) }
                throw ImageError.readFailed(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }  // The file shrank while being read.
            offset += count
        }
        return offset == size ? bytes : Array(bytes[..<offset])
    }

    /// Returns the C string in a fixed-size char array field.
    private static func text<T>(of field: inout T) -> String {
        withUnsafeBytes(of: &field) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }

    private static func warnings(of result: inout cic_image) -> [String] {
        var lines = text(of: &result.warnings).split(separator: "\n").map(String.init)
        let dropped = Int(result.warning_count) - lines.count
        if dropped > 0 {
            lines.append("\(dropped) more warnings")
        }
        return lines
    }
}
