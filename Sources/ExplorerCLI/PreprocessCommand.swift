import CLIPImage
import Foundation

extension Program {
    static let preprocessCommand = Command(
        name: "preprocess",
        summary: "decode an image and write CLIP's input tensor",
        usage: ["preprocess IMAGE --out FILE.f32 [--size N] [--no-exif] [--png FILE.png] [--json] [--max-pixels N] [--time [--repeat N]]"],
        options: [
            .value("--out", "FILE", help: "write the tensor here: raw little-endian float32, 3 x N x N, channel-first"),
            .value("--size", "N", help: "resize the shortest side to N pixels, then crop N x N (default 224)"),
            .flag("--no-exif", help: "ignore the EXIF orientation, as open_clip and OpenAI's clip do"),
            .value("--png", "FILE", help: "also write the 8-bit N x N crop as a PNG"),
            .flag("--json", help: "print the image's details as JSON"),
            .value("--max-pixels", "N", help: "reject images with more pixels (default 178956970, as Pillow)"),
            .flag("--time", help: "print the decode and preprocess times to standard error"),
            .value("--repeat", "N", help: "with --time, decode and preprocess N times and print the fastest (default 1)"),
        ],
        details: """
            Reads JPEG, PNG and WebP, identified by content, not by file extension. Pixels
            match Pillow's convert("RGB"), and the tensor matches open_clip's preprocess:
            bicubic resize as Pillow does it, center crop, then OpenAI's mean and std.
            The image is turned upright by its EXIF orientation unless --no-exif is given.

            --json prints the width and height after any EXIF rotation, the format,
            Pillow's mode for the file, the EXIF orientation and whether it was applied,
            and the tensor shape. The environment variable \(ImageDecoder.maxPixelsEnvironmentVariable)
            sets the pixel limit when --max-pixels is absent.

            Outputs are written to a temporary file and renamed, so a failure leaves no
            partial file. Exit status: 0 on success, 1 when the image or an output fails,
            2 for invalid arguments.
            """,
        run: { arguments, output in try runPreprocess(arguments, &output) })

    @Sendable private static func runPreprocess(_ arguments: ParsedArguments, _ output: inout CommandOutput) throws -> Int32 {
        guard arguments.positionals.count == 1, let imagePath = arguments.positionals.first else {
            throw UsageError("expected one IMAGE, got \(arguments.positionals.count)")
        }
        guard let outPath = arguments.value("--out") else {
            throw UsageError("missing --out FILE.f32")
        }
        let size = try arguments.int("--size", default: 224, in: 1...2048)
        let maxPixels = try arguments.int("--max-pixels", default: try environmentMaxPixels(), in: 1...Int.max)
        let repeats = try arguments.int("--repeat", default: 1, in: 1...1000)
        if arguments.value("--repeat") != nil && !arguments.has("--time") {
            throw UsageError("--repeat only applies with --time")
        }

        // Both outputs are checked before any work, so a bad --png leaves no --out either.
        let tensorFile = try AtomicFile(path: outPath)
        let pngFile = try arguments.value("--png").map { try AtomicFile(path: $0) }

        let run = try timedPreprocess(imagePath: imagePath, decoder: ImageDecoder(maxPixels: maxPixels),
                                      applyEXIF: !arguments.has("--no-exif"), size: size, repeats: repeats)
        for warning in run.decoded.warnings {
            output.err("\(name) preprocess: warning: \(imagePath): \(warning)\n")
        }
        if arguments.has("--time") {
            output.err(String(format: "time: decode %.3f ms, preprocess %.3f ms\n", run.decodeMilliseconds, run.preprocessMilliseconds))
        }

        try tensorFile.write { path in try AtomicFile.writeBytes(littleEndianBytes(run.result.tensor), to: path) }
        if let pngFile {
            try pngFile.write { path in try run.result.crop.writePNG(path: path) }
        }

        let decoded = run.decoded
        if arguments.has("--json") {
            output.out(try preprocessJSON(decoded, imagePath: imagePath, outPath: outPath, size: size) + "\n")
        } else {
            let rotation = decoded.exifRotationApplied ? ", EXIF orientation \(decoded.exifOrientation) applied" : ""
            output.out("\(imagePath): \(decoded.format.displayName) \(decoded.mode) \(decoded.image.width)x\(decoded.image.height)"
                + "\(rotation) -> \(outPath) (float32, 3 x \(size) x \(size))\n")
        }
        return 0
    }

    /// One decode and preprocess, with the fastest times of `repeats` runs.
    private struct TimedPreprocess {
        let decoded: DecodedImage
        let result: PreprocessedImage
        let decodeMilliseconds: Double
        let preprocessMilliseconds: Double
    }

    /// Decodes and preprocesses the image `repeats` times, keeping the last
    /// result and the fastest time of each step.
    private static func timedPreprocess(imagePath: String, decoder: ImageDecoder, applyEXIF: Bool,
                                        size: Int, repeats: Int) throws -> TimedPreprocess {
        var decodeNanoseconds = UInt64.max, preprocessNanoseconds = UInt64.max
        var last: (DecodedImage, PreprocessedImage)?
        for _ in 0..<max(repeats, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            let decoded = try decoder.decode(path: imagePath, applyEXIF: applyEXIF)
            let decodedAt = DispatchTime.now().uptimeNanoseconds
            let result = preprocess(decoded.image, config: .openAI(size: size))
            let finishedAt = DispatchTime.now().uptimeNanoseconds

            last = (decoded, result)
            decodeNanoseconds = min(decodeNanoseconds, decodedAt - start)
            preprocessNanoseconds = min(preprocessNanoseconds, finishedAt - decodedAt)
        }
        guard let (decoded, result) = last else {
            preconditionFailure("the loop runs at least once")
        }
        return TimedPreprocess(decoded: decoded, result: result, decodeMilliseconds: Double(decodeNanoseconds) / 1e6,
                               preprocessMilliseconds: Double(preprocessNanoseconds) / 1e6)
    }

    /// Returns the pixel limit from CLIP_EXPLORER_MAX_PIXELS, or the built-in one when unset.
    private static func environmentMaxPixels() throws -> Int {
        let variable = ImageDecoder.maxPixelsEnvironmentVariable
        guard let text = ProcessInfo.processInfo.environment[variable] else {
            return ImageDecoder.builtInMaxPixels
        }
        guard let value = Int(text), value > 0 else {
            throw UsageError("invalid \(variable) '\(text)': expected a positive whole number of pixels")
        }
        return value
    }

    private static func littleEndianBytes(_ values: [Float]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: values.count * 4)
        for (index, value) in values.enumerated() {
            let bits = value.bitPattern
            bytes[index * 4] = UInt8(truncatingIfNeeded: bits)
            bytes[index * 4 + 1] = UInt8(truncatingIfNeeded: bits >> 8)
            bytes[index * 4 + 2] = UInt8(truncatingIfNeeded: bits >> 16)
            bytes[index * 4 + 3] = UInt8(truncatingIfNeeded: bits >> 24)
        }
        return bytes
    }

    private struct PreprocessReport: Encodable {
        let image: String
        let out: String
        let width: Int
        let height: Int
        let format: String
        let mode: String
        let exifOrientation: Int
        let exifRotationApplied: Bool
        let outputShape: [Int]
        let warnings: [String]
    }

    private static func preprocessJSON(_ decoded: DecodedImage, imagePath: String, outPath: String, size: Int) throws -> String {
        let report = PreprocessReport(
            image: imagePath, out: outPath, width: decoded.image.width, height: decoded.image.height,
            format: decoded.format.rawValue, mode: decoded.mode, exifOrientation: decoded.exifOrientation,
            exifRotationApplied: decoded.exifRotationApplied, outputShape: [3, size, size], warnings: decoded.warnings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}
