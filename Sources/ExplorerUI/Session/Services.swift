/// The tokenizer as the explorer uses it. `CLIPTokenizerService` implements
/// it over CLIPTokenizer; tests may pass their own.
public protocol TokenizerService: AnyObject, Sendable {
    var vocabularySize: Int { get }
    /// Tokenizes as `clip.tokenize(text, context_length, truncate=True)`
    /// with `padID` in the padding slots, keeping the pieces truncation cuts.
    func tokenize(_ text: String, contextLength: Int, padID: Int32) -> Tokenization
    /// Returns the merge steps that built the word containing piece `index`.
    func inspect(piece index: Int, of tokenization: Tokenization) -> InspectorDetail?
    /// Returns up to `limit` tokens whose decoded text contains `text`, by id.
    func search(_ text: String, limit: Int) -> [VocabRow]
    func token(for id: Int32) -> String?
}

/// An image decoded, preprocessed and encoded by a model.
public struct EncodedImage: Sendable {
    public var info: ImageFileInfo
    public var crop: PreviewImage
    public var whole: PreviewImage
    /// The normalized image embedding.
    public var embedding: [Float]

    public init(info: ImageFileInfo, crop: PreviewImage, whole: PreviewImage, embedding: [Float]) {
        self.info = info
        self.crop = crop
        self.whole = whole
        self.embedding = embedding
    }
}

/// A loaded CLIP model as the explorer uses it. Every method may run on a
/// background queue; none touches the screen.
public protocol ModelService: AnyObject, Sendable {
    var summary: ModelSummary { get }
    var tokenizer: TokenizerService { get }
    func encodeImage(path: String) throws -> EncodedImage
    /// Ranks `labels` (each put into every template, embeddings averaged)
    /// against the image embedding, best first.
    func rank(imageEmbedding: [Float], labels: [String], templates: [String]) throws -> [RankedLabel]
    /// Returns the cosine similarity of `prompt`'s text embedding with the image embedding.
    func cosine(prompt: String, imageEmbedding: [Float]) throws -> Float
}

/// Loads models by path; nil loads the default model.
public protocol ModelLoader: Sendable {
    func load(path: String?) throws -> ModelService
    /// Returns a built-in label set such as `imagenet` (for `:labels @imagenet`), or nil.
    func labelSet(named name: String) -> [String]?
}
