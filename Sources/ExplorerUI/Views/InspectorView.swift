extension Renderer {
    func drawInspector(_ grid: inout ScreenGrid, _ state: ExplorerState, _ tokenization: Tokenization,
                       chips: [Chip], top: Int, bottom: Int, width: Int) {
        guard state.selectedChip < chips.count else { return }
        let chip = chips[state.selectedChip]
        var y = top
        func line(_ text: String, _ role: StyleRole = .text) {
            guard y < bottom else { return }
            grid.put(text, row: y, column: 0, role: role, limit: width)
            y += 1
        }

        guard let pieceIndex = chip.pieceIndex else {
            let isStart = state.selectedChip == 0
            line("Inspector: \(isStart ? "start" : "end") token, id \(chip.idText)", .heading)
            line(isStart ? "<|startoftext|> opens every sequence; tokenize adds it, the text does not."
                         : "<|endoftext|> closes the sequence; truncation keeps it in the last slot.")
            return
        }

        let piece = tokenization.pieces[pieceIndex]
        let status = pieceIndex < tokenization.keptCount ? "" : " (cut by truncation)"
        line("Inspector: token \(pieceIndex + 1) of \(tokenization.pieces.count)\(status)", .heading)
        line("id \(piece.id) · piece \(piece.bpe) · bytes \(piece.bytes.map(hexByte).joined(separator: " ")) · ends word: \(piece.endsWord ? "yes" : "no")")
        if let source = piece.source {
            let characters = state.editor.characters
            let lower = min(source.lowerBound, characters.count)
            let upper = min(source.upperBound, characters.count)
            let place = source.count == 1 ? "character \(source.lowerBound + 1)" : "characters \(source.lowerBound + 1)-\(source.upperBound)"
            line("source: \(place) \"\(String(characters[lower..<upper]))\" (highlighted in the prompt)")
        } else {
            line("source: none (made by text cleanup)")
        }
        guard let detail = state.inspector else { return }
        line("merges: " + detail.initialPieces.joined(separator: " "), .heading)
        for step in detail.merges {
            line("  rank \(step.rank): \(step.left) + \(step.right) → " + step.pieces.joined(separator: " "))
        }
        if detail.merges.isEmpty { line("  no merges: each piece is a single vocabulary entry", .dim) }
    }
}
