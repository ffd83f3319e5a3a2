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

/// What the vision tower receives, and the 8-bit crop it came from.
public struct PreprocessedImage: Sendable {
    /// The 8-bit crop the model sees.
    public let crop: RGBImage
    /// [3, cropSize, cropSize], channel-first, normalized.
    public let tensor: [Float]
}

/// Resizes, crops and normalizes an image as open_clip's `preprocess` does.
public func preprocess(_ image: RGBImage, config: PreprocessConfig) -> PreprocessedImage {
    precondition(config.resizeShortestSide > 0 && config.cropSize > 0, "preprocess sizes must be positive")
    precondition(config.mean.count == 3 && config.std.count == 3, "mean and std need one value per channel")

    let (width, height) = resizedSize(width: image.width, height: image.height, shortestSide: config.resizeShortestSide)
    let resized = image.resizedBicubic(width: width, height: height)
    let crop = resized.centerCropped(size: config.cropSize)
    return PreprocessedImage(crop: crop, tensor: normalizedTensor(crop, mean: config.mean, std: config.std))
}

/// The size torchvision's Resize(int) gives: the shortest side becomes
/// `shortestSide` and the longest is `int(shortestSide * long / short)`,
/// computed in double precision and truncated, as torchvision 0.2x does.
public func resizedSize(width: Int, height: Int, shortestSide: Int) -> (width: Int, height: Int) {
    let (short, long) = width <= height ? (width, height) : (height, width)
    let newLong = Int(Double(shortestSide * long) / Double(short))
    return width <= height ? (shortestSide, newLong) : (newLong, shortestSide)
}

extension RGBImage {
    /// Returns the centered `size` x `size` crop with torchvision's CenterCrop
    /// offsets, round((in - size) / 2) with Python's round-half-to-even. A side
    /// shorter than `size` is padded with zeros first, as torchvision pads.
    public func centerCropped(size: Int) -> RGBImage {
        func offset(_ length: Int) -> Int {
            if length < size {
                return -((size - length) / 2)
            }
            return Int((Double(length - size) / 2).rounded(.toNearestOrEven))
        }
        let left = offset(width), top = offset(height)
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
