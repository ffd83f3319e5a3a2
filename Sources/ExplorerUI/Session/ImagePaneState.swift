/// An RGB picture for the preview, row-major, three bytes a pixel.
public struct PreviewImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let pixels: [UInt8]

    /// Returns nil when `pixels` does not hold width x height RGB pixels.
    public init?(width: Int, height: Int, pixels: [UInt8]) {
        guard width > 0, height > 0, width.multipliedReportingOverflow(by: height).overflow == false,
              pixels.count == width * height * 3 else { return nil }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Returns the mean colour of the pixels in `columns` x `rows`, both clamped to the image.
    func averageColor(columns: Range<Int>, rows: Range<Int>) -> RGB {
        let x0 = max(0, min(columns.lowerBound, width - 1))
        let x1 = max(x0 + 1, min(columns.upperBound, width))
        let y0 = max(0, min(rows.lowerBound, height - 1))
        let y1 = max(y0 + 1, min(rows.upperBound, height))
        var red = 0, green = 0, blue = 0
        for y in y0..<y1 {
            var offset = (y * width + x0) * 3
            for _ in x0..<x1 {
                red += Int(pixels[offset])
                green += Int(pixels[offset + 1])
                blue += Int(pixels[offset + 2])
                offset += 3
            }
        }
        let count = (x1 - x0) * (y1 - y0)
        return RGB(UInt8(red / count), UInt8(green / count), UInt8(blue / count))
    }

    /// Returns a copy whose longer side is at most `maxSide`, by area averaging.
    public func thumbnail(maxSide: Int) -> PreviewImage {
        let longer = max(width, height)
        guard longer > maxSide, maxSide > 0 else { return self }
        let newWidth = max(1, width * maxSide / longer)
        let newHeight = max(1, height * maxSide / longer)
        var output: [UInt8] = []
        output.reserveCapacity(newWidth * newHeight * 3)
        for y in 0..<newHeight {
            let rows = (y * height / newHeight)..<((y + 1) * height / newHeight)
            for x in 0..<newWidth {
                let columns = (x * width / newWidth)..<((x + 1) * width / newWidth)
                let color = averageColor(columns: columns, rows: rows)
                output.append(color.red)
                output.append(color.green)
                output.append(color.blue)
            }
        }
        return PreviewImage(width: newWidth, height: newHeight, pixels: output) ?? self
    }
}

/// Facts about the loaded image file, shown beside the preview.
public struct ImageFileInfo: Equatable, Sendable {
    public var path: String
    public var format: String
    public var width: Int
    public var height: Int
    public var mode: String
    public var exifOrientation: Int
    public var exifRotationApplied: Bool
    /// Decoder warnings about damage it recovered from, such as a truncated JPEG.
    public var warnings: [String]

    public init(path: String, format: String, width: Int, height: Int, mode: String, exifOrientation: Int, exifRotationApplied: Bool,
                warnings: [String] = []) {
        self.path = path
        self.format = format
        self.width = width
        self.height = height
        self.mode = mode
        self.exifOrientation = exifOrientation
        self.exifRotationApplied = exifRotationApplied
        self.warnings = warnings
    }
}

/// One label's zero-shot score against the image.
public struct RankedLabel: Equatable, Sendable {
    public var label: String
    public var probability: Float
    public var cosine: Float

    public init(label: String, probability: Float, cosine: Float) {
        self.label = label
        self.probability = probability
        self.cosine = cosine
    }
}

/// The image pane: the picture, its file facts and how the labels rank.
public struct ImagePaneState: Equatable, Sendable {
    public var info: ImageFileInfo
    /// The preprocessed crop that the model encodes.
    public var crop: PreviewImage
    /// The whole decoded image, shrunk for the preview.
    public var whole: PreviewImage
    public var showWholeImage = false
    public var ranking: [RankedLabel] = []
    /// The typed prompt's cosine similarity with the image, when scored.
    public var promptCosine: Float?
    /// The prompt text `promptCosine` belongs to.
    public var scoredPrompt: String?
    public var isEncoding = false

    public init(info: ImageFileInfo, crop: PreviewImage, whole: PreviewImage) {
        self.info = info
        self.crop = crop
        self.whole = whole
    }
}
