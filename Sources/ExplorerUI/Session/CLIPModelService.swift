import CLIPImage
import CLIPModel
import Foundation

/// The explorer's view of a loaded CLIPModel.
public final class CLIPModelService: ModelService, @unchecked Sendable {
    public let model: CLIPModel
    public let tokenizer: TokenizerService
    public let summary: ModelSummary
    /// The largest preview the pane draws, in pixels on the longer side.
    static let previewSide = 256

    /// `name` replaces the model's folder name in the title, such as the Hub
    /// id for a cached snapshot whose folder is a commit hash.
    public init(_ model: CLIPModel, note: String? = nil, name: String? = nil) {
        self.model = model
        tokenizer = CLIPTokenizerService(model.tokenizer)
        summary = ModelSummary(name: name ?? model.name, vocabularySize: model.tokenizer.vocabularySize,
                               contextLength: model.config.contextLength, note: note)
    }

    public func encodeImage(path: String) throws -> EncodedImage {
        let decoded = try ImageDecoder().decode(path: path)
        let prepared = preprocess(decoded.image, config: model.preprocessConfig)
        guard let embedding = try model.encodeImages([prepared.tensor]).first,
              let crop = PreviewImage(width: prepared.crop.width, height: prepared.crop.height, pixels: prepared.crop.pixels),
              let whole = PreviewImage(width: decoded.image.width, height: decoded.image.height, pixels: decoded.image.pixels) else {
            throw ExplorerError.unreadable(path: path, reason: "the decoded image has no pixels")
        }
        let info = ImageFileInfo(path: path, format: decoded.format.displayName, width: decoded.image.width, height: decoded.image.height,
                                 mode: decoded.mode, exifOrientation: decoded.exifOrientation,
                                 exifRotationApplied: decoded.exifRotationApplied, warnings: decoded.warnings)
        return EncodedImage(info: info, crop: crop, whole: whole.thumbnail(maxSide: Self.previewSide), embedding: embedding)
    }

    public func rank(imageEmbedding: [Float], labels: [String], templates: [String]) throws -> [RankedLabel] {
        let classifier = try ZeroShotClassifier(model: model, labels: labels, templates: templates)
        return classifier.rank(imageEmbedding: imageEmbedding).map {
            RankedLabel(label: $0.label, probability: $0.probability, cosine: $0.cosine)
        }
    }

    public func cosine(prompt: String, imageEmbedding: [Float]) throws -> Float {
        guard let text = try model.encodeText([prompt]).first else { return 0 }
        var dot: Float = 0
        for (a, b) in zip(normalized(text), normalized(imageEmbedding)) { dot += a * b }
        return dot
    }
}

/// Loads CLIP models for the explorer; nil loads the default model.
public struct CLIPModelLoader: ModelLoader {
    /// Maps a model argument to a path, such as a Hub id ORG/NAME to its
    /// cached snapshot. The default keeps the argument as it is.
    let resolvePath: @Sendable (String) throws -> String

    public init(resolvePath: @escaping @Sendable (String) throws -> String = { $0 }) {
        self.resolvePath = resolvePath
    }

    /// Loads `path`, or with nil `$CLIP_EXPLORER_MODEL` or the demo model.
    /// The demo model's summary carries a note saying what it is.
    public func load(path: String?) throws -> ModelService {
        let choice = try DefaultModel.resolve(explicit: path)
        let note = choice.isDemo ? "DEMO: synthetic shapes only; --model DIR for a real CLIP" : nil
        let modelPath = choice.isDemo ? choice.path : try resolvePath(choice.path)
        return CLIPModelService(try CLIPModel.load(path: modelPath), note: note,
                                name: modelPath == choice.path ? nil : choice.path)
    }

    public func labelSet(named name: String) -> [String]? {
        guard name.lowercased() == "imagenet" else { return nil }
        return try? ImageNetLabels.classNames()
    }
}
