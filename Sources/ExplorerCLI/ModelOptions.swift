import CLIPImage
import CLIPModel
import Foundation

// Options and helpers shared by the model commands (embed, classify, bench-encoder).

extension OptionSpec {
    static let model = OptionSpec.value(
        "--model", "PATH",
        help: "model folder or file (transformers, sentence-transformers, open_clip, .safetensors, .bin/.pt), or a Hub id ORG/NAME in the cache (see download); default $\(CLIPModel.modelEnvironmentVariable) or the demo model")
    static let threads = OptionSpec.value("--threads", "N", help: "threads for OpenBLAS and the encoder (default: all \(ProcessInfo.processInfo.activeProcessorCount) cores)")
}

/// Applies --threads and loads --model (or the default model). When that is
/// the demo model, writes its notice to standard error, once per process.
func loadModel(_ arguments: ParsedArguments, _ output: inout CommandOutput) throws -> CLIPModel {
    let threads = try arguments.int("--threads", default: CLIPModel.threadCount, in: 1...1024)
    CLIPModel.setThreadCount(threads)
    let choice = try DefaultModel.resolve(explicit: arguments.value("--model"))
    if choice.isDemo, let notice = DefaultModel.noticeOnce(path: choice.path) {
        output.err(notice)
    }
    // A repository id (ORG/NAME) that is not an existing path resolves to its Hugging Face cache snapshot.
    return try CLIPModel.load(path: choice.isDemo ? choice.path : Program.resolveModelPath(choice.path))
}

/// Decodes an image file and preprocesses it with the model's settings.
/// `warnings` lists damage the decoder recovered from, such as a JPEG that
/// ends early. The caller reports them, because the tensor is still usable.
func imageTensor(path: String, model: CLIPModel, decoder: ImageDecoder) throws -> (tensor: [Float], warnings: [String]) {
    let file = try decoder.decodeAndPreprocess(path: path, config: model.preprocessConfig)
    return (file.preprocessed.tensor, file.warnings)
}

/// Formats a float for JSON and CSV: the shortest text that reads back as the same
/// float32, and `null` for NaN and infinities, which JSON cannot represent.
func formatNumber(_ value: Float) -> String {
    value.isFinite ? "\(value)" : "null"
}

/// Returns `text` as a JSON string literal, with the control characters that
/// act on terminals (C0, DEL, C1) and the JSON-breaking separators escaped.
func jsonString(_ text: String) -> String {
    TokenizerFormatting.jsonString(text)
}

func jsonArray(_ vector: [Float]) -> String {
    "[" + vector.map(formatNumber).joined(separator: ",") + "]"
}

/// Returns `field` quoted for CSV when it contains a comma, quote or line break (RFC 4180).
func csvField(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
