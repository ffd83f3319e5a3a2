import Foundation
import CLIPModel

extension ExplorerSession {
    /// Runs one `:` command line. Errors go to the message line.
    func runCommand(_ line: String) -> SessionAction {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return .none }
        let name = trimmed.prefix { !$0.isWhitespace }
        let argument = trimmed.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        log.write("command: \(trimmed)")

        do {
            switch name {
            case "q", "quit": return .quit
            case "help": state.showHelp = true
            case "vocab": try listVocabulary(argument)
            case "id": try showToken(argument)
            case "pad": try setPad(argument)
            case "ws": toggleWhitespace()
            case "theme": chooseTheme(argument)
            case "image": try requireArgument(argument, command: "image", expected: "an image path")
                loadImage(path: expandHome(argument))
                if state.image == nil, model != nil { state.message = StatusMessage("encoding \(argument)…") }
            case "whole": toggleWholeImage()
            case "labels": try setLabels(argument)
            case "labels-file": try readLabelFile(argument)
            case "label": try editLabel(argument)
            case "template", "templates": try setTemplates(argument)
            case "model": try switchModel(argument)
            case "save": try save(to: argument)
            default: throw ExplorerError.unknownCommand(String(name))
            }
        } catch {
            state.message = StatusMessage(describe(error), isError: true)
            log.write("command error: \(describe(error))")
        }
        return .none
    }

    private func requireArgument(_ argument: String, command: String, expected: String) throws {
        if argument.isEmpty { throw ExplorerError.invalidCommand(command: command, reason: "expected \(expected), as in :\(command) \(commandExample(command))") }
    }

    private func commandExample(_ command: String) -> String {
        switch command {
        case "image": return "Examples/0008-blue-circle.png"
        case "model": return "Models/clip-demo-shapes"
        case "save": return "tokens.json"
        case "labels-file": return "Examples/demo-labels.txt"
        case "vocab": return "cat"
        case "id": return "647"
        default: return "…"
        }
    }

    private func listVocabulary(_ text: String) throws {
        try requireArgument(text, command: "vocab", expected: "text to search for")
        let rows = tokenizer.search(text.lowercased(), limit: 200)
        state.vocabTitle = rows.isEmpty ? "No token contains \"\(text)\"" : "Tokens containing \"\(text)\": \(rows.count)\(rows.count == 200 ? " (first 200)" : "") · Esc closes"
        state.vocabRows = rows
        state.focus = .prompt
    }

    private func showToken(_ text: String) throws {
        try requireArgument(text, command: "id", expected: "a token id")
        guard let id = Int32(text), id >= 0, Int(id) < tokenizer.vocabularySize, let token = tokenizer.token(for: id) else {
            throw ExplorerError.invalidCommand(command: "id", reason: "invalid token id '\(text)': expected a whole number from 0 to \(tokenizer.vocabularySize - 1)")
        }
        state.vocabTitle = "Token \(id) · Esc closes"
        state.vocabRows = [VocabRow(id: id, token: token)]
    }

    private func setPad(_ text: String) throws {
        if text.isEmpty {
            setPadID(state.padID == 0 ? 49407 : 0)
            return
        }
        // The same rule as `tokenize --pad-id`: the pad id must be a token of the vocab.
        guard let id = Int32(text), id >= 0, Int(id) < tokenizer.vocabularySize else {
            throw ExplorerError.invalidCommand(command: "pad", reason: "invalid pad id '\(text)': expected a whole number from 0 to \(tokenizer.vocabularySize - 1), usually 0 (OpenAI, open_clip) or 49407 (Hugging Face)")
        }
        setPadID(id)
    }

    private func chooseTheme(_ name: String) {
        guard !name.isEmpty else {
            let names = themes.names()
            state.message = StatusMessage(names.isEmpty ? "no theme files found in \(themes.folders.joined(separator: ", "))" : "themes: " + names.joined(separator: ", "))
            return
        }
        applyTheme(named: expandHome(name))
        if state.message == nil { state.message = StatusMessage("theme \(state.themeName)") }
    }

    // MARK: - Labels and templates

    /// Splits a comma-separated label list, rejecting empty labels.
    static func parseLabels(_ text: String) throws -> [String] {
        let labels = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if let empty = labels.firstIndex(where: \.isEmpty) {
            throw ExplorerError.invalidCommand(command: "labels", reason: "label \(empty + 1) is empty; separate labels with commas, as in :labels a cat, a dog")
        }
        var seen = Set<String>()
        if let repeated = labels.first(where: { !seen.insert($0).inserted }) {
            throw ExplorerError.invalidCommand(command: "labels", reason: "'\(repeated)' is listed twice; list each label once, because repeats split its probability")
        }
        return labels
    }

    /// Splits templates separated by `|`, each of which must contain `{}`.
    static func parseTemplates(_ text: String) throws -> [String] {
        let templates = text.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        for (index, template) in templates.enumerated() {
            if template.isEmpty {
                throw ExplorerError.invalidCommand(command: "template", reason: "template \(index + 1) is empty; separate templates with |")
            }
            if !template.contains("{}") {
                throw ExplorerError.invalidCommand(command: "template", reason: "template '\(template)' has no {} where the label goes, as in 'a photo of a {}.'")
            }
        }
        return templates
    }

    private func setLabels(_ text: String) throws {
        try requireArgument(text, command: "labels", expected: "labels separated by commas or @imagenet")
        if text.hasPrefix("@") {
            let setName = String(text.dropFirst())
            guard let labels = loader?.labelSet(named: setName) else {
                throw ExplorerError.invalidCommand(command: "labels", reason: "unknown label set '\(text)'; the built-in set is @imagenet")
            }
            state.labels = labels
        } else {
            state.labels = try Self.parseLabels(text)
        }
        state.message = StatusMessage("\(state.labels.count) labels")
        labelsChanged()
    }

    private func readLabelFile(_ path: String) throws {
        try requireArgument(path, command: "labels-file", expected: "a file with one label per line")
        do {
            state.labels = try LabelFile.read(path: expandHome(path))
        } catch let error as LabelFile.ReadError {
            throw ExplorerError.invalidCommand(command: "labels-file", reason: error.description)
        }
        state.message = StatusMessage("\(state.labels.count) labels from \(path)")
        labelsChanged()
    }

    private func editLabel(_ text: String) throws {
        let usage = "expected + LABEL or - LABEL, as in :label + a cat"
        guard let sign = text.first, sign == "+" || sign == "-" else {
            throw ExplorerError.invalidCommand(command: "label", reason: usage)
        }
        let label = text.dropFirst().trimmingCharacters(in: .whitespaces)
        guard !label.isEmpty else { throw ExplorerError.invalidCommand(command: "label", reason: "the label is empty; " + usage) }
        if sign == "+" {
            guard !state.labels.contains(label) else {
                throw ExplorerError.invalidCommand(command: "label", reason: "'\(label)' is already a label")
            }
            state.labels.append(label)
        } else {
            guard let index = state.labels.firstIndex(of: label) else {
                throw ExplorerError.invalidCommand(command: "label", reason: "'\(label)' is not a label; the labels are \(state.labels.joined(separator: ", "))")
            }
            state.labels.remove(at: index)
        }
        labelsChanged()
    }

    private func setTemplates(_ text: String) throws {
        guard !text.isEmpty else {
            state.message = StatusMessage("templates: " + state.templates.joined(separator: " | "))
            return
        }
        state.templates = try Self.parseTemplates(text)
        state.message = StatusMessage("\(state.templates.count) template\(state.templates.count == 1 ? "" : "s")")
        labelsChanged()
    }

    private func labelsChanged() {
        state.image?.ranking = []
        rankLabels()
    }

    private func switchModel(_ path: String) throws {
        try requireArgument(path, command: "model", expected: "a model folder or file")
        guard let loader else { throw ExplorerError.noModel(reason: "this session has no model loader") }
        startModelLoad(path: expandHome(path), loader: loader)
    }

    func expandHome(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return NSHomeDirectory() + path.dropFirst()
    }

    // MARK: - Save

    /// Returns the JSON `:save` writes: the prompt's tokenization, and the
    /// image's ranking when an image is loaded.
    func snapshotJSON() -> [String: Any] {
        var object: [String: Any] = [
            "prompt": state.editor.text,
            "context_length": state.contextLength,
            "pad_id": Int(state.padID),
        ]
        if let tokenization = state.tokenization {
            object["ids"] = tokenization.pieces.map { Int($0.id) }
            object["pieces"] = tokenization.pieces.map(\.bpe)
            object["input_ids"] = tokenization.slots.map { Int($0) }
            object["length"] = tokenization.tokenCount
            object["truncated"] = tokenization.isTruncated
        } else {
            object["ids"] = [Int]()
            object["pieces"] = [String]()
        }
        if case .ready(let summary) = state.model { object["model"] = summary.name }
        if let image = state.image {
            object["image"] = [
                "path": image.info.path,
                "format": image.info.format,
                "width": image.info.width,
                "height": image.info.height,
                "exif_orientation": image.info.exifOrientation,
            ] as [String: Any]
            object["labels"] = state.labels
            object["templates"] = state.templates
            object["ranking"] = image.ranking.map {
                ["label": $0.label, "probability": Double($0.probability), "cosine": Double($0.cosine)] as [String: Any]
            }
            if let cosine = image.promptCosine { object["prompt_cosine"] = Double(cosine) }
        }
        return object
    }

    private func save(to path: String) throws {
        try requireArgument(path, command: "save", expected: "a file name")
        let expanded = expandHome(path)
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: snapshotJSON(), options: [.prettyPrinted, .sortedKeys])
        } catch {
            throw ExplorerError.unwritable(path: expanded, reason: describe(error))
        }
        do {
            try data.write(to: URL(fileURLWithPath: expanded), options: .atomic)
        } catch {
            var isDirectory: ObjCBool = false
            let folder = URL(fileURLWithPath: expanded).deletingLastPathComponent().path
            let reason = FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue
                ? "permission denied or not a file" : "folder \(folder) does not exist"
            throw ExplorerError.unwritable(path: expanded, reason: reason)
        }
        state.message = StatusMessage("saved \(expanded)")
    }
}
