/// The file formats this layer decodes.
public enum ImageFormat: String, Sendable {
    case jpeg, png, webp

    /// The name used in messages: "JPEG", "PNG", "WebP".
    public var displayName: String {
        switch self {
        case .jpeg: return "JPEG"
        case .png: return "PNG"
        case .webp: return "WebP"
        }
    }
}

/// 8-bit RGB pixels, row-major, 3 bytes per pixel with no row padding.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// width x height x 3 bytes: R, G, B of the top row first.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3, "RGBImage size mismatch")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

/// A decoded file: its pixels converted to RGB as Pillow's `convert("RGB")`
/// converts them, and what the file records about itself.
public struct DecodedImage: Sendable {
    public let image: RGBImage
    public let format: ImageFormat
    /// Pillow's mode for the file: "RGB", "L", "1", "P", "LA", "RGBA", "CMYK", "I;16".
    public let mode: String
    /// The EXIF orientation tag, 1 to 8, or 1 when absent or invalid.
    public let exifOrientation: Int
    /// True when `image` was flipped or rotated to undo `exifOrientation`.
    public let exifRotationApplied: Bool
    /// Damage the decoder recovered from, one message per entry.
    public let warnings: [String]

    public init(image: RGBImage, format: ImageFormat, mode: String, exifOrientation: Int,
                exifRotationApplied: Bool, warnings: [String]) {
        self.image = image
        self.format = format
        self.mode = mode
        self.exifOrientation = exifOrientation
        self.exifRotationApplied = exifRotationApplied
        self.warnings = warnings
    }
}
