import Foundation

/// Every failure of the image layer. Each case carries the file name as the
/// caller gave it, so the one-line message names the file.
public enum ImageError: Error, Equatable, LocalizedError {
    case fileNotFound(path: String)
    case permissionDenied(path: String)
    case isDirectory(path: String)
    case notRegularFile(path: String)
    case readFailed(path: String, reason: String)
    case emptyFile(path: String)
    /// A known image format that this layer does not decode, named from the magic bytes.
    case unsupportedFormat(path: String, format: String)
    /// Content that matches no known image format.
    case notAnImage(path: String)
    case truncated(path: String, format: ImageFormat, detail: String)
    case invalidData(path: String, format: ImageFormat, detail: String)
    case unsupportedVariant(path: String, format: ImageFormat, detail: String)
    /// The header declares more pixels than the decompression-bomb guard allows.
    case tooManyPixels(path: String, width: Int, height: Int, limit: Int)
    case outOfMemory(path: String, width: Int, height: Int)
    case writeFailed(path: String, reason: String)
    /// Preprocessing values from a model's config that cannot be used.
    case invalidPreprocessConfig(source: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .permissionDenied(let path):
            return "\(path): permission denied (check the file's read permission)"
        case .isDirectory(let path):
            return "\(path): is a directory, expected an image file"
        case .notRegularFile(let path):
            return "\(path): not a regular file, expected an image file"
        case .readFailed(let path, let reason):
            return "\(path): read failed: \(reason)"
        case .emptyFile(let path):
            return "\(path): empty file (0 bytes), expected a JPEG, PNG or WebP image"
        case .unsupportedFormat(let path, let format):
            return "\(path): unsupported format \(format); convert it to JPEG, PNG or WebP"
        case .notAnImage(let path):
            return "\(path): not a JPEG, PNG or WebP image (unrecognized content, whatever the file extension)"
        case .truncated(let path, let format, let detail):
            return "\(path): truncated \(format.displayName) file: \(detail)"
        case .invalidData(let path, let format, let detail):
            return "\(path): invalid \(format.displayName) data: \(detail)"
        case .unsupportedVariant(let path, let format, let detail):
            return "\(path): unsupported \(format.displayName) variant: \(detail)"
        case .tooManyPixels(let path, let width, let height, let limit):
            return "\(path): \(width) x \(height) pixels is over the limit of \(limit) pixels "
                + "(a guard against decompression bombs); to allow it, pass --max-pixels N "
                + "or set \(ImageDecoder.maxPixelsEnvironmentVariable)=N"
        case .outOfMemory(let path, let width, let height):
            return "\(path): out of memory for \(width) x \(height) pixels"
        case .writeFailed(let path, let reason):
            return "\(path): write failed: \(reason)"
        case .invalidPreprocessConfig(let source, let detail):
            return "\(source): invalid image preprocessing config: \(detail)"
        }
    }
}
