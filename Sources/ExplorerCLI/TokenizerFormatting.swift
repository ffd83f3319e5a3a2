import CLIPTokenizer

/// Output formats shared by the tokenizer commands and the line-mode REPL.
enum TokenizerFormatting {
    /// One tokenized text with what every output format needs.
    struct Result {
        let text: String
        let ids: [Int32]          // BPE ids without start and end
        let inputIDs: [Int32]     // start, ids, end, padding: contextLength ids
        let length: Int           // start + ids + end, before padding or truncation
        let truncated: Bool
        let contextLength: Int
        let padID: Int32
    }

    /// Tokenizes `text`; throws TokenizerError.tooLong when it does not fit and truncation is off.
    static func tokenize(_ text: String, with tokenizer: CLIPTokenizer, contextLength: Int, truncate: Bool,
                         padID: Int32) throws -> Result {
        let ids = tokenizer.encode(text)
        let inputIDs = try tokenizer.pad(ids, contextLength: contextLength, truncate: truncate, padID: padID)
        return Result(text: text, ids: ids, inputIDs: inputIDs, length: ids.count + 2,
                      truncated: ids.count + 2 > contextLength, contextLength: contextLength, padID: padID)
    }

    /// Formats a result for a person: the text, its length against the context length, pieces and ids,
    /// then a blank line that ends the block.
    static func human(_ result: Result, tokenizer: CLIPTokenizer) -> String {
        // A truncated text shows the ids the model receives, not the tokens that were cut.
        let all = result.truncated ? result.inputIDs : [tokenizer.startOfTextID] + result.ids + [tokenizer.endOfTextID]
        let pieces = all.map { tokenizer.token(for: $0) ?? "?" }
        var status = "\(result.length) tokens of \(result.contextLength) (start and end included)"
        status += result.truncated ? ", truncated to the first \(result.contextLength) with <|endoftext|> last" : ""
        status += ", pad id \(result.padID)"
        return """
            text    \(jsonString(result.text))
            length  \(status)
            pieces  \(pieces.joined(separator: " "))
            ids     \(all.map(String.init).joined(separator: " "))


            """
    }

    /// Formats a result as one JSON object on one line.
    static func json(_ result: Result, tokenizer: CLIPTokenizer) -> String {
        let pieces = result.ids.map { jsonString(tokenizer.token(for: $0) ?? "") }
        return "{\"text\": \(jsonString(result.text)), \"ids\": \(jsonArray(result.ids)), "
            + "\"pieces\": [\(pieces.joined(separator: ", "))], \"input_ids\": \(jsonArray(result.inputIDs)), "
            + "\"length\": \(result.length), \"truncated\": \(result.truncated), \"pad_id\": \(result.padID)}\n"
    }

    static func jsonArray(_ ids: [Int32]) -> String {
        "[" + ids.map(String.init).joined(separator: ", ") + "]"
    }

    /// Returns `text` as a JSON string literal. Non-ASCII characters stay as they are, and control characters are escaped.
    static func jsonString(_ text: String) -> String {
        var output = "\""
        output.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    // MARK: - Tensor, as PyTorch prints clip.tokenize's result

    /// Formats rows of ids as `print(clip.tokenize(texts))` does with PyTorch's default
    /// print options (line width 80; past 1000 elements, 3 edge items and "...").
    static func tensor(_ rows: [[Int32]]) -> String {
        let columns = rows.first?.count ?? 0
        let summarize = rows.count * columns > 1000
        let edge = 3
        let rowIndices = summarize && rows.count > 2 * edge
            ? Array(0..<edge) + [-1] + Array((rows.count - edge)..<rows.count) : Array(rows.indices)
        let columnIndices = summarize && columns > 2 * edge
            ? Array(0..<edge) + [-1] + Array((columns - edge)..<columns) : Array(0..<columns)

        var width = 1
        for row in rowIndices where row >= 0 {
            for column in columnIndices where column >= 0 { width = max(width, String(rows[row][column]).count) }
        }
        let indent = 8  // "tensor(" plus one level of brackets
        let perLine = max(1, (80 - indent) / (width + 2))

        var formattedRows: [String] = []
        for row in rowIndices {
            guard row >= 0 else {
                formattedRows.append("...")
                continue
            }
            let items = columnIndices.map { column -> String in
                guard column >= 0 else { return " ..." }
                let text = String(rows[row][column])
                return String(repeating: " ", count: width - text.count) + text
            }
            var lines: [String] = []
            var start = 0
            while start < items.count {
                lines.append(items[start..<min(start + perLine, items.count)].joined(separator: ", "))
                start += perLine
            }
            formattedRows.append("[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]")
        }
        return "tensor([" + formattedRows.joined(separator: ",\n" + String(repeating: " ", count: indent)) + "], dtype=torch.int32)\n"
    }
}
