// CLIP's image preprocessing as torchvision runs it on a PIL image in
// OpenAI's and open_clip's transforms: Resize(size, BICUBIC) on the shortest
// side, CenterCrop(size), ToTensor (divide by 255), Normalize(mean, std).

/// The sizes and normalization a model expects.
public struct PreprocessConfig: Sendable, Equatable {
    /// Length in pixels that the shortest side is resized to: 224 for OpenAI's models.
    public var resizeShortestSide: Int
    /// Side of the square center crop: 224 for OpenAI's models.
    public var cropSize: Int
    /// Per-channel mean and standard deviation (R, G, B) of the [0, 1] pixel values.
    public var mean: [Float]
    public var std: [Float]

    public init(resizeShortestSide: Int, cropSize: Int, mean: [Float], std: [Float]) {
        self.resizeShortestSide = resizeShortestSide
        self.cropSize = cropSize
        self.mean = mean
        self.std = std
    }

    /// Largest resize or crop size accepted by `validate`; the tensor for it takes 200 MB.
    public static let maxSize = 4096

    /// Checks values that come from a model's preprocessor config before
    /// `preprocess` relies on them. `source` names the file in the error.
    public func validate(source: String) throws {
        guard (1...PreprocessConfig.maxSize).contains(resizeShortestSide), (1...PreprocessConfig.maxSize).contains(cropSize) else {
            throw ImageError.invalidPreprocessConfig(
                source: source, detail: "sizes must be 1 to \(PreprocessConfig.maxSize), got resize \(resizeShortestSide) and crop \(cropSize)")
        }
        guard mean.count == 3, std.count == 3 else {
            throw ImageError.invalidPreprocessConfig(
                source: source, detail: "mean and std need 3 values each, got \(mean.count) and \(std.count)")
        }
        guard mean.allSatisfy(\.isFinite), std.allSatisfy({ $0.isFinite && $0 != 0 }) else {
            throw ImageError.invalidPreprocessConfig(source: source, detail: "mean must be finite and std finite and nonzero, got \(mean) and \(std)")
        }
    }

    /// OpenAI CLIP's values, as in clip/clip.py and open_clip's OPENAI_DATASET_MEAN/STD.
    public static let openAI = PreprocessConfig(
        resizeShortestSide: 224, cropSize: 224,
        mean: [0.48145466, 0.4578275, 0.40821073],
        std: [0.26862954, 0.26130258, 0.27577711])

    /// OpenAI's normalization with another image size, for resize and crop alike.
    public static func openAI(size: Int) -> PreprocessConfig {
        var config = openAI
        config.resizeShortestSide = size
        config.cropSize = size
        return config
    }
}

/// The vision tower's input and the 8-bit crop it was made from.
public struct PreprocessedImage: Sendable {
    /// The 8-bit center crop that `tensor` is made from.
    public let crop: RGBImage
    /// [3, cropSize, cropSize], channel-first, normalized.
    public let tensor: [Float]
}

/// Resizes, crops and normalizes an image as open_clip's `preprocess` does.
/// A config read from a file must pass `PreprocessConfig.validate` first.
public func preprocess(_ image: RGBImage, config: PreprocessConfig) -> PreprocessedImage {
    precondition(config.resizeShortestSide > 0 && config.cropSize > 0, "preprocess sizes must be positive")
    precondition(config.mean.count == 3 && config.std.count == 3, "mean and std need one value per channel")

    let window = CropWindow(width: image.width, height: image.height, config: config)
    let pixels = image.resizedBicubic(width: window.resizedWidth, height: window.resizedHeight,
                                      columns: window.columns, rows: window.rows)
    return window.finish(pixels, config: config)
}

/// The part of the resized image that the center crop keeps. Only these
/// pixels are resized. Where the crop is larger than the resized image,
/// torchvision pads with zeros, so the window is placed on a black canvas.
struct CropWindow {
    let resizedWidth: Int
    let resizedHeight: Int
    /// The kept columns and rows of the resized image.
    let columns: Range<Int>
    let rows: Range<Int>
    /// The crop's first column and row in the resized image, negative where it pads.
    let left: Int
    let top: Int

    init(width: Int, height: Int, config: PreprocessConfig) {
        (resizedWidth, resizedHeight) = resizedSize(width: width, height: height, shortestSide: config.resizeShortestSide)
        let size = config.cropSize
        left = centerCropOffset(length: resizedWidth, size: size)
        top = centerCropOffset(length: resizedHeight, size: size)
        columns = max(left, 0)..<min(left + size, resizedWidth)
        rows = max(top, 0)..<min(top + size, resizedHeight)
    }

    /// Places the resized `pixels` of `columns` x `rows` in the crop and normalizes it.
    func finish(_ pixels: RGBImage, config: PreprocessConfig) -> PreprocessedImage {
        let crop = pixels.placed(onBlackSquare: config.cropSize, x: columns.lowerBound - left, y: rows.lowerBound - top)
        return PreprocessedImage(crop: crop, tensor: normalizedTensor(crop, mean: config.mean, std: config.std))
    }
}

/// Returns the size torchvision's Resize(int) gives: the shortest side becomes
/// `shortestSide` and the longest is `int(shortestSide * long / short)`,
/// computed in double precision and truncated, as torchvision 0.2x does.
public func resizedSize(width: Int, height: Int, shortestSide: Int) -> (width: Int, height: Int) {
    let (short, long) = width <= height ? (width, height) : (height, width)
    // Doubles hold every product of two image sizes exactly, and cannot overflow.
    let newLong = Int(Double(shortestSide) * Double(long) / Double(short))
    return width <= height ? (shortestSide, newLong) : (newLong, shortestSide)
}

extension RGBImage {
    /// Returns the image drawn at (`x`, `y`) on a black `size` x `size` square.
    func placed(onBlackSquare size: Int, x: Int, y: Int) -> RGBImage {
        if x == 0 && y == 0 && width == size && height == size {
            return self
        }
        var out = [UInt8](repeating: 0, count: size * size * 3)
        for row in 0..<height {
            let from = row * width * 3
            let to = ((row + y) * size + x) * 3
            out.replaceSubrange(to..<(to + width * 3), with: pixels[from..<(from + width * 3)])
        }
        return RGBImage(width: size, height: size, pixels: out)
    }

    /// Returns the centered `size` x `size` crop with torchvision's CenterCrop
    /// offsets, round((in - size) / 2) with Python's round-half-to-even. A side
    /// shorter than `size` is padded with zeros first, as torchvision pads.
    public func centerCropped(size: Int) -> RGBImage {
        let left = centerCropOffset(length: width, size: size), top = centerCropOffset(length: height, size: size)
        var out = [UInt8](repeating: 0, count: size * size * 3)
        for y in 0..<size {
            let sourceY = y + top
            guard sourceY >= 0, sourceY < height else { continue }
            for x in 0..<size {
                let sourceX = x + left
                guard sourceX >= 0, sourceX < width else { continue }
                let from = (sourceY * width + sourceX) * 3
                let to = (y * size + x) * 3
                out[to] = pixels[from]
                out[to + 1] = pixels[from + 1]
                out[to + 2] = pixels[from + 2]
            }
        }
        return RGBImage(width: size, height: size, pixels: out)
    }
}

/// Returns the first kept pixel of a centered crop of `size` from `length` pixels:
/// torchvision's round((length - size) / 2) with round-half-to-even, or
/// minus the zero padding it adds before a side shorter than `size`.
func centerCropOffset(length: Int, size: Int) -> Int {
    if length < size {
        return -((size - length) / 2)
    }
    return Int((Double(length - size) / 2).rounded(.toNearestOrEven))
}

/// Returns [3, height, width] floats: (value / 255 - mean) / std per channel,
/// each step rounded to float32 as torchvision's ToTensor and Normalize round.
func normalizedTensor(_ image: RGBImage, mean: [Float], std: [Float]) -> [Float] {
    // All 256 values per channel, so each pixel is one table read.
    var table = [Float](repeating: 0, count: 3 * 256)
    for channel in 0..<3 {
        for value in 0..<256 {
            let scaled = Float(value) / 255
            let centered = scaled - mean[channel]
            table[channel * 256 + value] = centered / std[channel]
        }
    }

    let planeSize = image.width * image.height
    var tensor = [Float](repeating: 0, count: 3 * planeSize)
    image.pixels.withUnsafeBufferPointer { pixels in
        tensor.withUnsafeMutableBufferPointer { out in
            for index in 0..<planeSize {
                for channel in 0..<3 {
                    out[channel * planeSize + index] = table[channel * 256 + Int(pixels[index * 3 + channel])]
                }
            }
        }
    }
    return tensor
}
