import CImageCodecs

extension RGBImage {
    /// Writes the image as an 8-bit RGB PNG at `path`, creating or truncating
    /// the file in place. Callers that must not leave a partial file write to a
    /// temporary path and rename it.
    public func writePNG(path: String) throws {
        precondition(width > 0 && height > 0, "cannot write an empty image")
        var message = [CChar](repeating: 0, count: 256)
        let status = pixels.withUnsafeBufferPointer { buffer in
            cic_write_png_rgb(path, buffer.baseAddress, Int32(width), Int32(height), &message)
        }
        guard status == CIC_OK else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageError.writeFailed(path: path, reason: text)
        }
    }
}
