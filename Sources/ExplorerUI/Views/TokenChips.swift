/// A chip in the token view: the start token, a piece, the end token, or a
/// piece that truncation cuts.
struct Chip: Equatable {
    var label: String
    var idText: String
    var role: StyleRole
    /// Index into `Tokenization.pieces`, nil for start and end.
    var pieceIndex: Int?

    var width: Int { max(displayWidth(of: label), idText.count) }
}

/// Returns the chip colour slot for a token id. A multiplicative hash spreads
/// neighbouring ids apart; the same id always gets the same slot.
func chipColorSlot(_ id: Int32) -> Int {
    let hashed = UInt32(bitPattern: id) &* 2_654_435_761
    return Int((hashed >> 16) % UInt32(ThemeKey.chipColors.count))
}

/// Returns the chips in display order: start, kept pieces, end, cut pieces.
func makeChips(_ tokenization: Tokenization, visibleWhitespace: Bool) -> [Chip] {
    var chips = [Chip(label: "<start>", idText: String(tokenization.startID), role: .chipSpecial, pieceIndex: nil)]
    for (index, piece) in tokenization.pieces.enumerated() {
        if index == tokenization.keptCount {
            chips.append(Chip(label: "<end>", idText: String(tokenization.endID), role: .chipSpecial, pieceIndex: nil))
        }
        let role: StyleRole = index < tokenization.keptCount ? .chip(chipColorSlot(piece.id)) : .slotTruncated
        chips.append(Chip(label: tokenLabel(piece, visibleWhitespace: visibleWhitespace), idText: String(piece.id), role: role, pieceIndex: index))
    }
    if tokenization.keptCount == tokenization.pieces.count {
        chips.append(Chip(label: "<end>", idText: String(tokenization.endID), role: .chipSpecial, pieceIndex: nil))
    }
    return chips
}

/// The position of one chip: its chip line (two screen rows, label then id) and column.
struct ChipPlacement: Equatable {
    var line: Int
    var column: Int
}

/// Places chips left to right with one space between them, wrapping to a new
/// line when the next chip would pass `width`.
func layoutChips(_ chips: [Chip], width: Int) -> [ChipPlacement] {
    var placements: [ChipPlacement] = []
    placements.reserveCapacity(chips.count)
    var line = 0
    var column = 0
    for chip in chips {
        if column > 0, column + chip.width > width {
            line += 1
            column = 0
        }
        placements.append(ChipPlacement(line: line, column: column))
        column += chip.width + 1
    }
    return placements
}

extension ScreenGrid {
    /// Draws chips into `rows` rows from `top`, scrolled so the selected chip
    /// is visible, and returns the rows used.
    mutating func drawChips(_ chips: [Chip], selected: Int?, top: Int, left: Int, width: Int, rows: Int) -> Int {
        guard rows >= 2, width > 0, !chips.isEmpty else { return 0 }
        let placements = layoutChips(chips, width: width)
        let lineCount = (placements.last?.line ?? 0) + 1
        let visibleLines = rows / 2
        var firstLine = 0
        if let selected, selected < placements.count {
            firstLine = max(0, placements[selected].line - visibleLines + 1)
        }
        let hiddenAfter = lineCount > firstLine + visibleLines

        for (index, chip) in chips.enumerated() {
            let place = placements[index]
            let line = place.line - firstLine
            guard line >= 0, line < visibleLines else { continue }
            if hiddenAfter && line == visibleLines - 1 && place.column + chip.width > width - 12 { continue }

            let y = top + line * 2
            let x = left + place.column
            let limit = left + width
            let role = index == selected ? StyleRole.chipSelected : chip.role
            fill(row: y, from: x, to: min(limit, x + chip.width), role: role)
            put(chip.label, row: y, column: x, role: role, limit: limit)
            let idRole: StyleRole = chip.role == .slotTruncated ? .slotTruncated : .tokenID
            put(chip.idText, row: y + 1, column: x, role: idRole, limit: limit)
        }
        if hiddenAfter {
            let remaining = chips.indices.filter { placements[$0].line >= firstLine + visibleLines }.count
            let note = "… +\(remaining)"
            put(note, row: top + (visibleLines - 1) * 2, column: left + max(0, width - note.count), role: .dim)
        }
        return min(lineCount, visibleLines) * 2
    }
}
