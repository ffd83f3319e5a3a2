/// Returns the character and role of each context-length slot: `S` start, `■` a
/// kept token in its chip colour, `E` end, `·` padding.
func slotCells(_ tokenization: Tokenization) -> [(Character, StyleRole)] {
    var cells: [(Character, StyleRole)] = []
    cells.reserveCapacity(tokenization.contextLength)
    let kept = tokenization.keptCount
    for index in 0..<tokenization.contextLength {
        if index == 0 {
            cells.append(("S", .slotSpecial))
        } else if index <= kept {
            cells.append(("■", .slotToken(chipColorSlot(tokenization.pieces[index - 1].id))))
        } else if index == kept + 1 {
            cells.append(("E", .slotSpecial))
        } else {
            cells.append(("·", .slotPadding))
        }
    }
    return cells
}

/// Returns the token count as people read it, such as `5/77`: tokens,
/// including start and end, against the context length.
public func tokenCountText(_ tokenization: Tokenization) -> String {
    "\(tokenization.tokenCount)/\(tokenization.contextLength)"
}

extension ScreenGrid {
    /// Draws every context-length slot, wrapped to `width`, followed by the
    /// cut tail as dimmed `×` marks. Returns the rows used.
    mutating func drawSlotStrip(_ tokenization: Tokenization, top: Int, left: Int, width: Int, rows: Int) -> Int {
        guard rows > 0, width > 0 else { return 0 }
        var cells = slotCells(tokenization)
        if tokenization.isTruncated {
            cells.append((" ", .text))
            for _ in 0..<tokenization.cutCount { cells.append(("×", .slotTruncated)) }
        }
        var used = 0
        var index = 0
        while index < cells.count, used < rows {
            for x in 0..<width where index < cells.count {
                put(String(cells[index].0), row: top + used, column: left + x, role: cells[index].1)
                index += 1
            }
            used += 1
        }
        if index < cells.count, used > 0 {
            put("…", row: top + used - 1, column: left + width - 1, role: .slotTruncated)
        }
        return used
    }
}

/// Returns the padded ids as PyTorch prints `clip.tokenize(text)`, each
/// number right-aligned to the widest, except that the run of padding after
/// the end token is folded into `pad ×count`.
public func tensorText(_ tokenization: Tokenization) -> String {
    let slots = tokenization.slots
    let width = slots.map { String($0).count }.max() ?? 1
    func aligned(_ value: Int32) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    // The padding run starts after the end token, which may share the pad id (49407).
    let paddingStart = min(slots.count, tokenization.keptCount + 2)
    var shown = slots[..<paddingStart].map(aligned)
    let padCount = slots.count - paddingStart
    if padCount > 2 {
        shown.append(aligned(tokenization.padID) + " ×\(padCount)")
    } else {
        shown += slots[paddingStart...].map(aligned)
    }
    return "tensor([[" + shown.joined(separator: ", ") + "]])"
}

/// Splits `text` into lines of at most `width` columns, breaking after
/// `", "` where it can and indenting continuation lines by `indent`.
func wrapAtCommas(_ text: String, width: Int, indent: Int) -> [String] {
    guard width > indent + 8 else { return [text] }
    var lines: [String] = []
    var current = ""
    let parts = text.components(separatedBy: ", ")
    for (index, part) in parts.enumerated() {
        let piece = index < parts.count - 1 ? part + "," : part
        let candidate = current.isEmpty ? piece : current + " " + piece
        if !current.isEmpty, candidate.count > width {
            lines.append(current)
            current = String(repeating: " ", count: indent) + piece
        } else {
            current = candidate
        }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
}
