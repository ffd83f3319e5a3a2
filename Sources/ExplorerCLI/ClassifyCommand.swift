import CLIPImage
import CLIPModel
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Program {
    static let classifyCommand = Command(
        name: "classify",
        summary: "rank labels for images with CLIP zero-shot classification",
        usage: ["classify [--model M] (--labels \"a,b,c\" | --labels-file F | --labels @imagenet) [--template T]... [--top K] [--json | --csv] IMAGE|DIR..."],
        options: [
            .model,
            .value("--labels", "LIST", help: "comma-separated labels, or @imagenet for the 1000 ImageNet classes"),
            .value("--labels-file", "FILE", help: "labels, one per line, UTF-8 (blank lines are skipped; - reads standard input)"),
            .value("--template", "T", repeatable: true,
                   help: "prompt template with {} for the label (repeatable; default \"a photo of a {}.\", or OpenAI's 80 with @imagenet)"),
            .value("--top", "K", help: "labels shown per image (default 5)"),
            .value("--scores", "KIND", help: "softmax (default: probabilities over the label set) or cosine (independent per-label similarity)"),
            .flag("--json", help: "one JSON object per line and image"),
            .flag("--csv", help: "CSV with one row per image and label: image,rank,label,probability,cosine"),
            .value("--batch-size", "N", help: "images encoded together (default 8)"),
            .flag("--no-progress", help: "never draw the progress bar"),
            .threads,
        ],
        details: """
        A folder means every .jpg, .jpeg, .png and .webp file in it (not its subfolders),
        in name order. Images are processed in batches and printed as they finish; a
        progress bar is drawn on standard error when it is a terminal. With several
        templates, a label's embedding is the mean of its normalized template
        embeddings, normalized again. Probabilities are softmax(logit scale x cosine)
        over the label set, so they sum to 1; use --scores cosine when several labels
        may apply at once. An unreadable image is reported and skipped.
        Exit status: 0 when every image was classified, 1 when any failed or the model
        cannot be read, 2 on bad arguments.
        """,
        run: { arguments, output in try runClassify(arguments, &output) })

    /// File extensions taken from a folder.
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp"]

    static func runClassify(_ arguments: ParsedArguments, _ output: inout CommandOutput) throws -> Int32 {
        let format = try ClassifyFormat(arguments)
        let (labels, templates) = try readLabels(arguments)
        let top = try arguments.int("--top", default: 5, in: 1...100_000)
        let batchSize = try arguments.int("--batch-size", default: 8, in: 1...4096)
        guard !arguments.positionals.isEmpty else {
            throw UsageError("no images given: pass image files or folders")
        }

        let inputs = listInputs(arguments.positionals)
        let model = try loadModel(arguments, &output)
        let showProgress = !arguments.has("--no-progress") && isatty(STDERR_FILENO) == 1
        // Encoding a large label set (@imagenet is 80,000 prompts) can take minutes on a CPU, so it gets a bar too.
        var labelProgress = ProgressBar(total: labels.count * max(templates.count, 1), enabled: showProgress, unit: "prompts")
        var labelOutput = output  // the progress callback may not capture the inout parameter
        let classifier = try ZeroShotClassifier(model: model, labels: labels, templates: templates) { done, _ in
            labelProgress.draw(done: done, &labelOutput)
        }
        labelProgress.clear(&labelOutput)
        let decoder = ImageDecoder()
        var progress = ProgressBar(total: inputs.count, enabled: showProgress, unit: "images")

        if format == .csv { output.out("image,rank,label,probability,cosine\n") }
        var failures = 0
        var start = 0
        while start < inputs.count {
            let batch = inputs[start..<min(start + batchSize, inputs.count)]
            var tensors: [[Float]] = []
            var results: [(path: String, outcome: Result<Int, Error>)] = []
            for input in batch {
                do {
                    if let error = input.error { throw error }
                    let image = try imageTensor(path: input.path, model: model, decoder: decoder)
                    if !image.warnings.isEmpty {
                        progress.clear(&output)
                    }
                    for warning in image.warnings {
                        output.err("\(name) classify: warning: \(escapingControlCharacters(input.path)): \(warning)\n")
                    }
                    tensors.append(image.tensor)
                    results.append((input.path, .success(tensors.count - 1)))
                } catch {
                    results.append((input.path, .failure(error)))
                }
            }
            let embeddings = try model.encodeImages(tensors)

            progress.clear(&output)
            for (path, outcome) in results {
                switch outcome {
                case .success(let index):
                    let ranked = Array(classifier.rank(imageEmbedding: embeddings[index]).prefix(top))
                    output.out(format.render(path: path, ranked: ranked, scores: try scoreKind(arguments)))
                case .failure(let error):
                    failures += 1
                    if format == .json {
                        output.out("{\"image\":\(jsonString(path)),\"error\":\(jsonString(describe(error)))}\n")
                    } else {
                        // Image errors already start with the path.
                        output.err("\(name) classify: \(escapingControlCharacters(describe(error)))\n")
                    }
                }
            }
            start += batch.count
            progress.draw(done: start, &output)
        }
        progress.clear(&output)
        return failures == 0 ? 0 : 1
    }

    enum ScoreKind: String {
        case softmax, cosine
    }

    static func scoreKind(_ arguments: ParsedArguments) throws -> ScoreKind {
        let text = arguments.value("--scores") ?? "softmax"
        guard let kind = ScoreKind(rawValue: text) else {
            throw UsageError("invalid value '\(text)' for --scores: expected softmax or cosine")
        }
        return kind
    }

    /// Returns the labels and templates from --labels, --labels-file and --template.
    static func readLabels(_ arguments: ParsedArguments) throws -> ([String], [String]) {
        var templates = arguments.all("--template")
        if let bad = templates.first(where: { !$0.contains("{}") }) {
            throw UsageError("template '\(bad)' has no {} placeholder for the label; write it like 'a photo of a {}.'")
        }
        _ = try scoreKind(arguments)

        switch (arguments.value("--labels"), arguments.value("--labels-file")) {
        case (nil, nil):
            throw UsageError("no labels given: pass --labels \"a,b,c\", --labels-file FILE or --labels @imagenet")
        case (.some, .some):
            throw UsageError("give either --labels or --labels-file, not both")
        case (.some("@imagenet"), nil):
            if templates.isEmpty { templates = try ImageNetLabels.templates() }
            return (try ImageNetLabels.classNames(), templates)
        case (.some(let list), nil) where list.hasPrefix("@") && !list.contains(","):
            // "@imagenet" misspelled would otherwise become one literal label and rank 100%.
            throw UsageError("unknown label set '\(list)': the built-in set is @imagenet; for your own list use --labels \"a,b\" or --labels-file FILE")
        case (.some(let list), nil):
            let labels = list.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if let empty = labels.firstIndex(where: \.isEmpty) {
                throw UsageError("label \(empty + 1) in --labels '\(list)' is empty")
            }
            if let repeated = firstRepeat(labels) {
                throw UsageError("label '\(repeated)' appears more than once in --labels; list each label once, because repeats split one label's probability between them")
            }
            return (labels, templates)
        case (nil, .some(let path)):
            do {
                return (try LabelFile.read(path: path, allowStandardInput: true), templates)
            } catch let error as LabelFile.ReadError {
                throw UsageError("--labels-file: \(error)")
            }
        }
    }

    /// Returns the first label that occurs twice in `labels`, or nil.
    static func firstRepeat(_ labels: [String]) -> String? {
        var seen = Set<String>()
        return labels.first { !seen.insert($0).inserted }
    }

    struct ClassifyInput {
        let path: String
        /// Set when the input could not be listed, reported in its place.
        let error: Error?
    }

    /// Expands folders into their image files in name order; files are kept as given.
    static func listInputs(_ paths: [String]) -> [ClassifyInput] {
        var inputs: [ClassifyInput] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                inputs.append(ClassifyInput(path: path, error: nil))
                continue
            }
            do {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                var images: [String] = []
                for name in names where imageExtensions.contains((name as NSString).pathExtension.lowercased()) {
                    // Subfolders are not read, even one named like an image ("shots.jpg/").
                    let child = (path as NSString).appendingPathComponent(name)
                    var childIsDirectory: ObjCBool = false
                    if FileManager.default.fileExists(atPath: child, isDirectory: &childIsDirectory), childIsDirectory.boolValue {
                        continue
                    }
                    images.append(child)
                }
                if images.isEmpty {
                    inputs.append(ClassifyInput(path: path, error: UsageError("\(path): the folder has no .jpg, .jpeg, .png or .webp files")))
                }
                for child in images {
                    inputs.append(ClassifyInput(path: child, error: nil))
                }
            } catch {
                inputs.append(ClassifyInput(path: path, error: UsageError("\(path): cannot list the folder: \(error.localizedDescription)")))
            }
        }
        return inputs
    }
}

/// Output format of classify for one image's ranked labels.
enum ClassifyFormat: Equatable {
    case text, json, csv

    init(_ arguments: ParsedArguments) throws {
        switch (arguments.has("--json"), arguments.has("--csv")) {
        case (true, true): throw UsageError("give either --json or --csv, not both")
        case (true, false): self = .json
        case (false, true): self = .csv
        case (false, false): self = .text
        }
    }

    func render(path: String, ranked: [LabelScore], scores: Program.ScoreKind) -> String {
        switch self {
        case .json:
            let results = ranked.map {
                "{\"label\":\(jsonString($0.label)),\"probability\":\(formatNumber($0.probability)),\"cosine\":\(formatNumber($0.cosine))}"
            }
            return "{\"image\":\(jsonString(path)),\"results\":[\(results.joined(separator: ","))]}\n"
        case .csv:
            // Paths and labels are user text, and a terminal would act on their
            // escape sequences, so control characters are written as \u{1B} and
            // the like (JSON escapes them its own way).
            let file = csvField(escapingControlCharacters(path, keepingLineBreaks: false))
            return ranked.enumerated().map { rank, score in
                [file, "\(rank + 1)", csvField(escapingControlCharacters(score.label, keepingLineBreaks: false)),
                 formatNumber(score.probability), formatNumber(score.cosine)]
                    .joined(separator: ",") + "\n"
            }.joined()
        case .text:
            var lines = [escapingControlCharacters(path, keepingLineBreaks: false)]
            for score in ranked {
                let value = scores == .softmax ? score.probability : score.cosine
                lines.append("  " + String(format: "%7.4f", value) + "  " + escapingControlCharacters(score.label, keepingLineBreaks: false))
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}

/// A one-line progress bar on standard error, redrawn in place.
struct ProgressBar {
    let total: Int
    let enabled: Bool
    /// The counted items, such as "images".
    let unit: String
    private var visible = false

    init(total: Int, enabled: Bool, unit: String = "images") {
        self.total = total
        self.enabled = enabled && total > 1
        self.unit = unit
    }

    mutating func draw(done: Int, _ output: inout CommandOutput) {
        guard enabled, done < total else { return }
        let width = 30
        let filled = width * done / max(total, 1)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        output.err("\r\u{1B}[K[\(bar)] \(done)/\(total) \(unit)")
        visible = true
    }

    /// Erases the bar so results and messages start on a clean line.
    mutating func clear(_ output: inout CommandOutput) {
        guard visible else { return }
        output.err("\r\u{1B}[K")
        visible = false
    }
}
