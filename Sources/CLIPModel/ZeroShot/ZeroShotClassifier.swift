import Foundation

/// One label's score for one image.
public struct LabelScore: Sendable, Equatable {
    public let label: String
    /// softmax(logit scale x cosine) over the label set.
    public let probability: Float
    /// Cosine similarity between the image and label embeddings, in [-1, 1].
    public let cosine: Float

    public init(label: String, probability: Float, cosine: Float) {
        self.label = label
        self.probability = probability
        self.cosine = cosine
    }
}

/// Ranks a fixed label set for images, CLIP's zero-shot classification.
public final class ZeroShotClassifier {
    /// OpenAI's default single template.
    public static let defaultTemplates = ["a photo of a {}."]

    public let model: CLIPModel
    public let labels: [String]
    public let templates: [String]
    /// One unit-length embedding per label, in label order.
    public let labelEmbeddings: [[Float]]

    /// Encodes every label with every template (each "{}" replaced by the label).
    /// A label's embedding is the mean of its normalized template embeddings,
    /// normalized again: the prompt ensembling of CLIP's ImageNet evaluation.
    /// Embeddings are cached in the model, so a second classifier for the same
    /// labels and templates encodes nothing. `progress`, when given, is called
    /// after each batch of prompts with the prompts encoded so far and the total.
    public init(model: CLIPModel, labels: [String], templates: [String] = ZeroShotClassifier.defaultTemplates,
                progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws {
        guard !labels.isEmpty else { throw CheckpointError.invalidLabels(reason: "the label set is empty") }
        if let index = labels.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw CheckpointError.invalidLabels(reason: "label \(index + 1) is empty")
        }
        let templates = templates.isEmpty ? Self.defaultTemplates : templates
        if let template = templates.first(where: { !$0.contains("{}") }) {
            throw CheckpointError.invalidTemplate(template: template)
        }

        self.model = model
        self.labels = labels
        self.templates = templates
        labelEmbeddings = try model.labelEmbeddings(labels: labels, templates: templates, progress: progress)
    }

    /// Returns every label's score in label order.
    public func scores(imageEmbedding: [Float]) -> [LabelScore] {
        let image = normalized(imageEmbedding)
        let cosines = labelEmbeddings.map { label -> Float in
            var dot: Float = 0
            for (a, b) in zip(image, label) { dot += a * b }
            return dot
        }
        let probabilities = softmax(cosines.map { $0 * model.logitScale })
        return labels.indices.map { LabelScore(label: labels[$0], probability: probabilities[$0], cosine: cosines[$0]) }
    }

    /// Returns every label's score, best first (ties keep label order).
    public func rank(imageEmbedding: [Float]) -> [LabelScore] {
        let scores = scores(imageEmbedding: imageEmbedding)
        return scores.indices.sorted { scores[$0].cosine > scores[$1].cosine || (scores[$0].cosine == scores[$1].cosine && $0 < $1) }
            .map { scores[$0] }
    }
}

/// Returns exp(x - max) / sum, computed in double.
func softmax(_ logits: [Float]) -> [Float] {
    guard let maximum = logits.max() else { return [] }
    let exponentials = logits.map { exp(Double($0 - maximum)) }
    let sum = exponentials.reduce(0, +)
    return exponentials.map { Float($0 / sum) }
}

// MARK: - Label embedding cache

/// Cache key: the label set and templates, in order.
struct LabelSetKey: Hashable {
    let labels: [String]
    let templates: [String]
}

extension CLIPModel {
    /// Prompts encoded per call, bounding scratch memory for large label sets
    /// (1000 ImageNet labels x 80 templates).
    static let labelBatchSize = 256

    /// Returns one ensembled unit embedding per label, from the cache when this
    /// model already encoded the same labels and templates.
    func labelEmbeddings(labels: [String], templates: [String],
                         progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> [[Float]] {
        let key = LabelSetKey(labels: labels, templates: templates)
        if let cached = labelCache.value(for: key) { return cached }

        var prompts: [String] = []
        prompts.reserveCapacity(labels.count * templates.count)
        for label in labels {
            for template in templates { prompts.append(template.replacingOccurrences(of: "{}", with: label)) }
        }

        var sums = [[Float]](repeating: [Float](repeating: 0, count: config.projectionDim), count: labels.count)
        var start = 0
        while start < prompts.count {
            let end = min(start + Self.labelBatchSize, prompts.count)
            let embeddings = try encodeText(Array(prompts[start..<end]))
            for (offset, embedding) in embeddings.enumerated() {
                let label = (start + offset) / templates.count
                let unit = normalized(embedding)
                for i in 0..<unit.count { sums[label][i] += unit[i] }
            }
            start = end
            progress?(end, prompts.count)
        }
        // The mean's direction equals the sum's, so normalizing the sum is enough.
        let result = sums.map(normalized)
        labelCache.store(result, for: key)
        return result
    }
}

/// A thread-safe cache of label embeddings for one model.
final class LabelEmbeddingCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [LabelSetKey: [[Float]]] = [:]
    /// Label sets kept; the oldest is dropped past this many.
    private let capacity = 8
    private var order: [LabelSetKey] = []

    func value(for key: LabelSetKey) -> [[Float]]? {
        lock.lock()
        defer { lock.unlock() }
        return entries[key]
    }

    func store(_ value: [[Float]], for key: LabelSetKey) {
        lock.lock()
        defer { lock.unlock() }
        if entries[key] == nil { order.append(key) }
        entries[key] = value
        if order.count > capacity { entries[order.removeFirst()] = nil }
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }
}
