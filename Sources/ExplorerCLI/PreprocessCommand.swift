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
            .flag("--time", help: "print the time to decode and preprocess to standard error"),
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
        if let pngFile, tensorFile.isSameFile(as: pngFile.target) {
            throw UsageError("--out and --png name the same file '\(pngFile.path)'; give them different names")
        }
        for output in [tensorFile] + (pngFile.map { [$0] } ?? []) where output.isSameFile(as: imagePath) {
            throw UsageError("output '\(output.path)' is the input image; choose another file name")
        }

        let run = try timedPreprocess(imagePath: imagePath, decoder: ImageDecoder(maxPixels: maxPixels),
                                      applyEXIF: !arguments.has("--no-exif"), size: size, repeats: repeats)
        for warning in run.file.warnings {
            output.err("\(name) preprocess: warning: \(escapingControlCharacters(imagePath)): \(warning)\n")
        }
        if arguments.has("--time") {
            output.err(String(format: "time: decode and preprocess %.3f ms\n", run.milliseconds))
        }

        try tensorFile.write { path in try AtomicFile.writeBytes(littleEndianBytes(run.file.preprocessed.tensor), to: path) }
        if let pngFile {
            try pngFile.write { path in try run.file.preprocessed.crop.writePNG(path: path) }
        }

        let file = run.file
        if arguments.has("--json") {
            output.out(try preprocessJSON(file, imagePath: imagePath, outPath: outPath, size: size) + "\n")
        } else {
            let rotation = file.exifRotationApplied ? ", EXIF orientation \(file.exifOrientation) applied" : ""
            output.out("\(escapingControlCharacters(imagePath, keepingLineBreaks: false)): \(file.format.displayName) \(file.mode) \(file.width)x\(file.height)"
                + "\(rotation) -> \(outPath) (float32, 3 x \(size) x \(size))\n")
        }
        return 0
    }

    /// One decode and preprocess, with the fastest time of `repeats` runs.
    private struct TimedPreprocess {
        let file: PreprocessedFile
        let milliseconds: Double
    }

    /// Decodes and preprocesses the image `repeats` times, keeping the last
    /// result and the fastest time.
    private static func timedPreprocess(imagePath: String, decoder: ImageDecoder, applyEXIF: Bool,
                                        size: Int, repeats: Int) throws -> TimedPreprocess {
        var nanoseconds = UInt64.max
        var last: PreprocessedFile?
        for _ in 0..<max(repeats, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            let file = try decoder.decodeAndPreprocess(path: imagePath, applyEXIF: applyEXIF, config: .openAI(size: size))
            let finishedAt = DispatchTime.now().uptimeNanoseconds

            last = file
            nanoseconds = min(nanoseconds, finishedAt - start)
        }
        guard let file = last else {
            preconditionFailure("the loop runs at least once")
        }
        return TimedPreprocess(file: file, milliseconds: Double(nanoseconds) / 1e6)
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

    private static func preprocessJSON(_ file: PreprocessedFile, imagePath: String, outPath: String, size: Int) throws -> String {
        let report = PreprocessReport(
            image: imagePath, out: outPath, width: file.width, height: file.height,
            format: file.format.rawValue, mode: file.mode, exifOrientation: file.exifOrientation,
            exifRotationApplied: file.exifRotationApplied, outputShape: [3, size, size], warnings: file.warnings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // JSONEncoder leaves DEL and the C1 controls raw, which terminals act on.
        // They can only occur inside JSON strings, where \u escapes mean the same.
        var json = ""
        for scalar in String(decoding: try encoder.encode(report), as: UTF8.self).unicodeScalars {
            if (0x7F...0x9F).contains(scalar.value) {
                json += String(format: "\\u%04x", scalar.value)
            } else {
                json.unicodeScalars.append(scalar)
            }
        }
        return json
    }
}
