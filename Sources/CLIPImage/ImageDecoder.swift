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

    /// CLIP_EXPLORER_MAX_PIXELS when it contains a positive whole number, else `builtInMaxPixels`.
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
    /// turned upright as its EXIF orientation tag specifies.
    public func decode(path: String, applyEXIF: Bool = true) throws -> DecodedImage {
        let bytes = try ImageDecoder.readFile(path: path)
        return try decode(bytes: bytes, name: path, applyEXIF: applyEXIF)
    }

    /// Decodes an encoded image held in memory. `name` is the file name used in errors.
    public func decode(bytes: [UInt8], name: String, applyEXIF: Bool = true) throws -> DecodedImage {
        guard !bytes.isEmpty else { throw ImageError.emptyFile(path: name) }

        let format: ImageFormat
        switch DetectedFormat(magic: Array(bytes.prefix(32))) {
        case .supported(let detected): format = detected
        case .unsupported(let formatName): throw ImageError.unsupportedFormat(path: name, format: formatName)
        case .unknown: throw ImageError.notAnImage(path: name)
        }

        // First the header alone, to check the size before allocating; then
        // the decode, straight into the array that RGBImage keeps.
        var header = cic_image()
        let headerStatus = ImageDecoder.run(format, bytes: bytes, maxPixels: maxPixels, into: nil, result: &header)
        try ImageDecoder.check(headerStatus, result: &header, format: format, name: name, limit: maxPixels)

        let width = Int(header.width), height = Int(header.height)
        // Swift traps when an allocation fails, so a size that a raised limit
        // lets through but memory cannot hold becomes an error here.
        guard UInt64(width * height * 3) < ProcessInfo.processInfo.physicalMemory else {
            throw ImageError.outOfMemory(path: name, width: width, height: height)
        }
        var result = cic_image()
        let pixels = try [UInt8](unsafeUninitializedCapacity: width * height * 3) { buffer, initializedCount in
            let status = ImageDecoder.run(format, bytes: bytes, maxPixels: maxPixels, into: buffer, result: &result)
            try ImageDecoder.check(status, result: &result, format: format, name: name, limit: maxPixels)
            initializedCount = buffer.count
        }
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

    /// Calls the C decoder for `format`: header only when `output` is nil.
    private static func run(_ format: ImageFormat, bytes: [UInt8], maxPixels: Int,
                            into output: UnsafeMutableBufferPointer<UInt8>?, result: inout cic_image) -> cic_status {
        let limit = UInt64(max(0, maxPixels))
        let out = output?.baseAddress
        let outSize = output?.count ?? 0
        return bytes.withUnsafeBufferPointer { buffer -> cic_status in
            guard let base = buffer.baseAddress else { return CIC_ERROR_INVALID }
            switch format {
            case .jpeg: return cic_decode_jpeg(base, buffer.count, limit, out, outSize, &result)
            case .png: return cic_decode_png(base, buffer.count, limit, out, outSize, &result)
            case .webp: return cic_decode_webp(base, buffer.count, limit, out, outSize, &result)
            }
        }
    }

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
        var readError: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < size {
                let count = read(descriptor, base + offset, size - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    readError = errno
                    break
                }
                if count == 0 { break }  // The file shrank while being read.
                offset += count
            }
            initializedCount = offset
        }
        if readError == EISDIR { throw ImageError.isDirectory(path: path) }
        if readError != 0 { throw ImageError.readFailed(path: path, reason: String(cString: strerror(readError))) }
        return bytes
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
