import CImageCodecs

/// A preprocessed file and what the file records about itself.
public struct PreprocessedFile: Sendable {
    /// The image's size after any EXIF rotation.
    public let width: Int
    public let height: Int
    public let format: ImageFormat
    /// Pillow's mode for the file, as in `DecodedImage.mode`.
    public let mode: String
    public let exifOrientation: Int
    public let exifRotationApplied: Bool
    /// Damage the decoder recovered from, one message per entry.
    public let warnings: [String]
    public let preprocessed: PreprocessedImage
}

extension ImageDecoder {
    /// Reads, decodes and preprocesses the file at `path`, with the result of
    /// `preprocess(decode(path:applyEXIF:).image, config:)`.
    public func decodeAndPreprocess(path: String, applyEXIF: Bool = true, config: PreprocessConfig) throws -> PreprocessedFile {
        let bytes = try ImageDecoder.readFile(path: path)
        return try decodeAndPreprocess(bytes: bytes, name: path, applyEXIF: applyEXIF, config: config)
    }

    /// Decodes and preprocesses an encoded image held in memory. An upright
    /// JPEG is decoded row by row and only in the columns the crop reads, so
    /// the full image is never stored. Other files are decoded whole first.
    public func decodeAndPreprocess(bytes: [UInt8], name: String, applyEXIF: Bool = true,
                                    config: PreprocessConfig) throws -> PreprocessedFile {
        let format = try ImageDecoder.format(of: bytes, name: name)
        let orientation = EXIFOrientation.read(from: bytes, format: format)
        if format == .jpeg && !(applyEXIF && orientation != 1) {
            return try decodeAndPreprocessJPEGRows(bytes: bytes, name: name, orientation: orientation, config: config)
        }

        let decoded = try decode(bytes: bytes, name: name, applyEXIF: applyEXIF)
        return PreprocessedFile(
            width: decoded.image.width, height: decoded.image.height, format: decoded.format, mode: decoded.mode,
            exifOrientation: decoded.exifOrientation, exifRotationApplied: decoded.exifRotationApplied,
            warnings: decoded.warnings, preprocessed: preprocess(decoded.image, config: config))
    }

    /// Pixels decoded on each side of the columns the resize reads. Fancy
    /// upsampling treats the first and last column libjpeg-turbo decodes as
    /// the image's edge, so pixels next to them may differ from a full decode.
    /// It reads one chroma sample on each side, so 16 pixels leave a wide
    /// margin; JPEGRowsTests finds differences without it and none with it.
    static let jpegColumnMargin = 16

    /// Decodes the rows of a JPEG one at a time and runs each through the
    /// horizontal resize pass straight away. Rows above the first one the
    /// resize reads are decoded and dropped, and so are the rows below the
    /// last, so that damage anywhere in the file is reported as in `decode`.
    private func decodeAndPreprocessJPEGRows(bytes: [UInt8], name: String, orientation: Int,
                                             config: PreprocessConfig) throws -> PreprocessedFile {
        try bytes.withUnsafeBufferPointer { buffer -> PreprocessedFile in
            guard let base = buffer.baseAddress else { throw ImageError.emptyFile(path: name) }
            var info = cic_image()
            var handle: OpaquePointer?
            let openStatus = cic_jpeg_rows_open(base, buffer.count, UInt64(max(0, maxPixels)), &handle, &info)
            try ImageDecoder.check(openStatus, result: &info, format: .jpeg, name: name, limit: maxPixels)
            guard let decoder = handle else {
                throw ImageError.invalidData(path: name, format: .jpeg, detail: "decoder failed")
            }
            defer { cic_jpeg_rows_close(decoder) }

            let width = Int(info.width), height = Int(info.height)
            let window = CropWindow(width: width, height: height, config: config)
            let pixels = try resizeJPEGRows(decoder, info: &info, width: width, height: height, window: window, name: name)
            return PreprocessedFile(
                width: width, height: height, format: .jpeg, mode: ImageDecoder.text(of: &info.mode),
                exifOrientation: orientation, exifRotationApplied: false,
                warnings: ImageDecoder.warnings(of: &info), preprocessed: window.finish(pixels, config: config))
        }
    }

    /// Returns the resized pixels of `window`, reading the JPEG's rows from `decoder`.
    private func resizeJPEGRows(_ decoder: OpaquePointer, info: inout cic_image, width: Int, height: Int,
                                window: CropWindow, name: String) throws -> RGBImage {
        let horizontal = window.resizedWidth != width
            ? ResampleTaps(inputSize: width, outputSize: window.resizedWidth, outputs: window.columns) : nil
        let vertical = window.resizedHeight != height
            ? ResampleTaps(inputSize: height, outputSize: window.resizedHeight, outputs: window.rows) : nil
        let resampler = horizontal.map { HorizontalResampler(taps: $0, inputWidth: width) }

        // The source columns and rows that the two passes read.
        let sourceColumns = resampler?.sourceColumns ?? window.columns
        var sourceRows = window.rows
        if let vertical {
            sourceRows = vertical.sources(of: window.rows.lowerBound).lowerBound
                ..< vertical.sources(of: window.rows.upperBound - 1).upperBound
        }

        let margin = ImageDecoder.jpegColumnMargin
        let requestedFirst = max(sourceColumns.lowerBound - margin, 0)
        var firstColumn = UInt32(requestedFirst)
        var columnCount = UInt32(min(sourceColumns.upperBound + margin, width) - requestedFirst)
        try ImageDecoder.check(cic_jpeg_rows_start(decoder, &firstColumn, &columnCount, &info),
                               result: &info, format: .jpeg, name: name, limit: maxPixels)
        let origin = Int(firstColumn), decodedWidth = Int(columnCount)
        guard origin <= sourceColumns.lowerBound && origin + decodedWidth >= sourceColumns.upperBound else {
            throw ImageError.invalidData(path: name, format: .jpeg, detail:
                "libjpeg-turbo decoded columns \(origin)..<\(origin + decodedWidth), not the requested \(sourceColumns)")
        }

        let outWidth = window.columns.count
        var row = [UInt8](repeating: 0, count: decodedWidth * 3)
        var stage = [UInt8](repeating: 0, count: outWidth * sourceRows.count * 3)
        for _ in 0..<sourceRows.lowerBound {
            try ImageDecoder.check(cic_jpeg_rows_read(decoder, nil, &info), result: &info, format: .jpeg, name: name, limit: maxPixels)
        }
        try row.withUnsafeMutableBufferPointer { rowBuffer in
            try stage.withUnsafeMutableBufferPointer { stageBuffer in
                guard let from = rowBuffer.baseAddress, let to = stageBuffer.baseAddress else { return }
                for index in 0..<sourceRows.count {
                    try ImageDecoder.check(cic_jpeg_rows_read(decoder, from, &info),
                                           result: &info, format: .jpeg, name: name, limit: maxPixels)
                    let out = to + index * outWidth * 3
                    if let resampler {
                        resampler.resample(row: from, origin: origin, into: out)
                    } else {
                        out.update(from: from + (window.columns.lowerBound - origin) * 3, count: outWidth * 3)
                    }
                }
            }
        }
        try ImageDecoder.check(cic_jpeg_rows_finish(decoder, &info), result: &info, format: .jpeg, name: name, limit: maxPixels)

        let pixels = RGBImage(width: outWidth, height: sourceRows.count, pixels: stage)
        guard let vertical else { return pixels }
        return pixels.resampleVertically(vertical, rowShift: sourceRows.lowerBound)
    }
}
