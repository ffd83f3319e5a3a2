import CLIPImage
import CLIPModel

extension Program {
    static let embedCommand = Command(
        name: "embed",
        summary: "print the projected CLIP embeddings of texts and images",
        usage: ["embed [--model M] [--text T]... [--image PATH]... [--normalize] [--json]"],
        options: [
            .model,
            .value("--text", "T", repeatable: true, help: "a text to embed (repeatable)"),
            .value("--image", "PATH", repeatable: true, help: "an image file to embed (repeatable)"),
            .flag("--normalize", help: "scale each embedding to unit length"),
            .flag("--json", help: "print one JSON object {\"model\", \"text_embeds\", \"image_embeds\"}"),
            .threads,
        ],
        details: """
        Texts are tokenized with the model's tokenizer and truncated to its context
        length. Embeddings are printed in the order the inputs were given, texts
        first; without --json, one line per input: kind, input, then the values.
        Exit status: 0 on success, 1 when the model or an image cannot be read, 2 on bad arguments.
        """,
        run: { arguments, output in try runEmbed(arguments, &output) })

    static func runEmbed(_ arguments: ParsedArguments, _ output: inout CommandOutput) throws -> Int32 {
        if let extra = arguments.positionals.first {
            throw UsageError("unexpected argument '\(extra)'; give texts with --text and images with --image")
        }
        let texts = arguments.all("--text")
        let images = arguments.all("--image")
        guard !texts.isEmpty || !images.isEmpty else {
            throw UsageError("nothing to embed: give at least one --text or --image")
        }

        let model = try loadModel(arguments, &output)
        let decoder = ImageDecoder()
        var tensors: [[Float]] = []
        for path in images {
            let image = try imageTensor(path: path, model: model, decoder: decoder)
            for warning in image.warnings {
                output.err("\(name) embed: warning: \(escapingControlCharacters(path)): \(warning)\n")
            }
            tensors.append(image.tensor)
        }
        var textEmbeddings = try model.encodeText(texts)
        var imageEmbeddings = try model.encodeImages(tensors)
        if arguments.has("--normalize") {
            textEmbeddings = textEmbeddings.map(normalized)
            imageEmbeddings = imageEmbeddings.map(normalized)
        }

        if arguments.has("--json") {
            let textJSON = "[" + textEmbeddings.map(jsonArray).joined(separator: ",") + "]"
            let imageJSON = "[" + imageEmbeddings.map(jsonArray).joined(separator: ",") + "]"
            output.out("{\"model\":\(jsonString(model.name)),\"text_embeds\":\(textJSON),\"image_embeds\":\(imageJSON)}\n")
            return 0
        }
        for (text, embedding) in zip(texts, textEmbeddings) {
            output.out("text\t\(jsonString(text))\t" + embedding.map(formatNumber).joined(separator: " ") + "\n")
        }
        for (path, embedding) in zip(images, imageEmbeddings) {
            output.out("image\t\(jsonString(path))\t" + embedding.map(formatNumber).joined(separator: " ") + "\n")
        }
        return 0
    }
}
