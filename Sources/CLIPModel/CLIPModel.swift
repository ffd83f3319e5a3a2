import CLIPImage
import CLIPTokenizer
import COpenBLAS
import Foundation

/// A loaded ViT CLIP: both towers, the logit scale, and the model's tokenizer and
/// preprocessing settings. It is immutable after loading and each encode call
/// allocates its own scratch buffers, so one instance can serve several threads.
public final class CLIPModel: @unchecked Sendable {
    /// The folder or file name the model was loaded from.
    public let name: String
    public let path: String
    public let layout: CheckpointLayout
    public let config: CLIPConfig
    /// exp of the stored log value, as CLIP multiplies cosines by it before softmax.
    public let logitScale: Float
    /// The model's own vocab.json and merges.txt when its folder has both, else OpenAI's bundled vocab.
    public let tokenizer: CLIPTokenizer
    /// Resize, crop, mean and std from the model's preprocessing config, else OpenAI's at the model's image size.
    public let preprocessConfig: PreprocessConfig

    let textTower: TextTower
    let visionTower: VisionTower
    let preprocess: PreprocessSettings
    /// Ensembled label embeddings by label set and templates.
    let labelCache = LabelEmbeddingCache()

    private init(path: String, loaded: LoadedCheckpoint, tokenizer: CLIPTokenizer) {
        self.path = path
        name = URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent
        layout = loaded.layout
        config = loaded.mapped.config
        logitScale = expf(loaded.mapped.logLogitScale)
        textTower = TextTower(config: loaded.mapped.config, weights: loaded.mapped.text)
        visionTower = VisionTower(config: loaded.mapped.config, weights: loaded.mapped.vision)
        preprocess = loaded.preprocess
        preprocessConfig = PreprocessConfig(resizeShortestSide: loaded.preprocess.resizeShortestSide,
                                            cropSize: loaded.preprocess.cropSize,
                                            mean: loaded.preprocess.mean, std: loaded.preprocess.std)
        self.tokenizer = tokenizer
    }

    /// Names the file that preprocessing sizes come from, for error messages.
    private static func preprocessSource(_ path: String) -> String {
        let file = URL(fileURLWithPath: path).appendingPathComponent("preprocessor_config.json").path
        return FileManager.default.fileExists(atPath: file) ? file : path
    }

    /// Loads any supported layout by path: a Hugging Face transformers folder, a
    /// sentence-transformers folder, an open_clip hub folder, or a single
    /// .safetensors, .bin, .pt or .pth file.
    public static func load(path: String) throws -> CLIPModel {
        CLIPModel.applyThreadCount()
        let loaded = try CheckpointLoader.load(path: path)
        // Sizes from a preprocessor config are user data; an absurd resize size
        // would overflow the resize arithmetic, so it is rejected here.
        try PreprocessConfig(resizeShortestSide: loaded.preprocess.resizeShortestSide, cropSize: loaded.preprocess.cropSize,
                             mean: loaded.preprocess.mean, std: loaded.preprocess.std)
            .validate(source: Self.preprocessSource(path))
        let tokenizer: CLIPTokenizer
        let vocabSource: String
        if let files = loaded.tokenizerFiles {
            tokenizer = try CLIPTokenizer(vocabJSON: files.vocab, merges: files.merges)
            vocabSource = files.vocab.path
        } else {
            tokenizer = try CLIPTokenizer.bundled()
            vocabSource = "the bundled vocab"
        }
        try CheckpointLoader.checkEndOfText(loaded.mapped, tokenizer: tokenizer, vocabSource: vocabSource)
        return CLIPModel(path: path, loaded: loaded, tokenizer: tokenizer)
    }

    /// Tokenizes each text with the model's tokenizer (truncated to the context
    /// length, as clip.tokenize with truncate=True) and encodes it.
    public func encodeText(_ texts: [String]) throws -> [[Float]] {
        let ids = try texts.map { try tokenizer.tokenize($0, contextLength: config.contextLength, truncate: true) }
        return try encodeText(ids: ids)
    }

    /// Encodes prompts given as token ids, each at most `config.contextLength` long
    /// (padding after the end-of-text token is allowed and ignored).
    /// Returns one unnormalized [projectionDim] embedding per prompt.
    public func encodeText(ids: [[Int32]]) throws -> [[Float]] {
        try Self.requireFinite(try textTower.encode(ids: ids, threads: CLIPModel.threadCount), tower: "text", model: name)
    }

    /// Encodes preprocessed images, each a channel-first normalized
    /// [3 x imageSize x imageSize] tensor. Returns one unnormalized [projectionDim] embedding per image.
    public func encodeImages(_ tensors: [[Float]]) throws -> [[Float]] {
        try Self.requireFinite(try visionTower.encode(tensors, threads: CLIPModel.threadCount), tower: "vision", model: name)
    }

    /// Returns `embeddings` when every value is finite. NaN or infinity means
    /// broken weights (or float16 overflow), and ranking such embeddings would
    /// print "nan" scores in an arbitrary order, so it is an error instead.
    static func requireFinite(_ embeddings: [[Float]], tower: String, model: String) throws -> [[Float]] {
        if let index = embeddings.firstIndex(where: { !$0.allSatisfy(\.isFinite) }) {
            throw EncodingError.nonFiniteEmbedding(model: model, tower: tower, index: index)
        }
        return embeddings
    }

    // MARK: - Threads

    private static let threadLock = NSLock()
    nonisolated(unsafe) private static var requestedThreads = ProcessInfo.processInfo.activeProcessorCount

    /// Threads for OpenBLAS and the element-wise steps; defaults to the machine's cores.
    public static var threadCount: Int {
        threadLock.lock()
        defer { threadLock.unlock() }
        return requestedThreads
    }

    /// Sets the thread count for every model in the process (OpenBLAS's setting is global).
    public static func setThreadCount(_ count: Int) {
        threadLock.lock()
        requestedThreads = max(1, count)
        threadLock.unlock()
        applyThreadCount()
    }

    static func applyThreadCount() {
        openblas_set_num_threads(Int32(clamping: threadCount))
    }
}

/// Returns `vector` scaled to unit Euclidean length (unchanged when all zero).
public func normalized(_ vector: [Float]) -> [Float] {
    var sum = 0.0
    for value in vector { sum += Double(value) * Double(value) }
    guard sum > 0 else { return vector }
    let inverse = Float(1 / sum.squareRoot())
    return vector.map { $0 * inverse }
}

/// Errors from running a loaded model.
public enum EncodingError: LocalizedError, Equatable {
    case nonFiniteEmbedding(model: String, tower: String, index: Int)

    public var errorDescription: String? {
        switch self {
        case .nonFiniteEmbedding(let model, let tower, let index):
            return "\(model): the \(tower) tower produced NaN or infinite values (input \(index + 1)); "
                + "the checkpoint's weights contain NaN or infinity, or overflow in float16; check or re-download the file"
        }
    }
}
