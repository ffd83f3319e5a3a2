/// Draws an `ExplorerState` into a `ScreenGrid`. Pure: the terminal layer,
/// the tests and the benchmark all draw through here.
public struct Renderer {
    /// Below this size the screen shows only a request for more room.
    public static let minimumWidth = 40
    public static let minimumHeight = 12
    /// From this width the image pane sits beside the token view.
    static let sideBySideWidth = 100

    /// False under NO_COLOR or a monochrome theme: image previews use shading characters.
    public var colorEnabled: Bool

    public init(colorEnabled: Bool = true) {
        self.colorEnabled = colorEnabled
    }

    public func render(_ state: ExplorerState, width: Int, height: Int) -> ScreenGrid {
        var grid = ScreenGrid(width: width, height: height)
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else {
            drawTooSmall(&grid)
            return grid
        }

        drawTitle(&grid, state)
        drawPrompt(&grid, state, row: 1)
        let mainTop = 2
        // A long message (a theme's invalid lines, a model error) wraps onto
        // up to three rows taken from the bottom of the main area.
        var messageLines = state.focus == .command ? [] : wrapMessage(state.message?.text ?? "", width: width, maxRows: 3)
        // With no message, the message line keeps a model's note (the demo model's
        // warning) in view, because the title bar cuts the demo note on terminals under 125 columns.
        if state.focus != .command, state.message == nil, case .ready(let summary) = state.model, let note = summary.note {
            messageLines = wrapMessage("model \(summary.name): \(note)", width: width, maxRows: 1)
        }
        let mainBottom = height - 1 - max(1, messageLines.count)
        if state.showHelp {
            drawHelp(&grid, top: mainTop, bottom: mainBottom)
        } else {
            drawMain(&grid, state, top: mainTop, bottom: mainBottom)
        }
        drawMessageLine(&grid, state, lines: messageLines, row: mainBottom)
        drawStatusLine(&grid, state, row: height - 1)
        return grid
    }

    // MARK: - Frame

    private func drawTooSmall(_ grid: inout ScreenGrid) {
        let lines = [
            "Terminal too small",
            "(\(grid.width)x\(grid.height)).",
            "clip-explorer needs",
            "at least \(Self.minimumWidth)x\(Self.minimumHeight).",
        ]
        let top = max(0, (grid.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            grid.put(line, row: top + offset, column: max(0, (grid.width - line.count) / 2), role: .error)
        }
    }

    private func drawTitle(_ grid: inout ScreenGrid, _ state: ExplorerState) {
        grid.fill(row: 0, role: .title)
        let titles = Self.titles(state)
        if let title = titles.first(where: { displayWidth(of: $0) <= grid.width }) {
            grid.put(title, row: 0, column: 0, role: .title)
        } else if let shortest = titles.last, grid.width > 1 {
            // Even the shortest title is too wide: cut it and mark the cut.
            grid.put(shortest, row: 0, column: 0, role: .title, limit: grid.width - 1)
            grid.put("…", row: 0, column: grid.width - 1, role: .title)
        }
    }

    /// Returns the title bar texts from longest to shortest. The drawn one
    /// is the longest that fits, so on a narrow terminal the model's note
    /// (also shown on the message line) and then the vocab size go before
    /// the pad id and theme, which no other line shows.
    static func titles(_ state: ExplorerState) -> [String] {
        var model: [String]
        switch state.model {
        case .none:
            model = ["no model"]
        case .loading(let path):
            model = ["loading model \(path) \(spinner(state))", "loading model \(spinner(state))"]
        case .ready(let summary):
            let full = "model \(summary.name) · vocab \(summary.vocabularySize) · context \(summary.contextLength)"
            model = [full, "model \(summary.name)"]
            if let note = summary.note { model.insert(full + " (\(note))", at: 0) }
        case .failed(let path, _):
            model = ["model \(path) failed to load", "model failed to load"]
        }
        let settings = " │ pad id \(state.padID) │ theme \(state.themeName)"
        return model.map { " clip-explorer │ " + $0 + settings }
    }

    private static func spinner(_ state: ExplorerState) -> String {
        let frames = Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
        return String(frames[(state.spinnerFrame ?? 0) % frames.count])
    }

    private func drawMessageLine(_ grid: inout ScreenGrid, _ state: ExplorerState, lines: [String], row: Int) {
        if state.focus == .command {
            let prefix = ":"
            grid.put(prefix, row: row, column: 0, role: .prompt)
            let (visible, cursorColumn) = scrolledText(state.command, width: grid.width - 2)
            grid.put(visible, row: row, column: 1, role: .prompt)
            grid.cursor = (row, 1 + cursorColumn)
            return
        }
        let role: StyleRole
        if let message = state.message {
            role = message.isError ? .error : .message
        } else {
            role = .dim
        }
        for (offset, line) in lines.enumerated() {
            grid.put(line, row: row + offset, column: 0, role: role)
        }
    }

    private func drawStatusLine(_ grid: inout ScreenGrid, _ state: ExplorerState, row: Int) {
        grid.fill(row: row, role: .status)
        let hints: String
        switch state.focus {
        case .prompt:
            hints = " Enter save prompt · Tab inspect · Esc : command · F1 help · Ctrl-C quit"
        case .chips:
            hints = " ←/→ select token · Tab/Esc prompt · : command · ? help · Ctrl-C quit"
        case .command:
            hints = " Enter run · Tab complete path · Esc cancel · F1 help"
        }
        grid.put(hints, row: row, column: 0, role: .status)
    }

    /// Returns the part of `editor`'s text that fits in `width` columns with
    /// the cursor visible, and the cursor's column within it.
    func scrolledText(_ editor: LineEditor, width: Int) -> (String, Int) {
        let characters = editor.characters
        var start = 0
        var columns = displayWidth(of: String(characters[0..<editor.cursor]))
        while columns >= width, start < editor.cursor {
            columns -= displayWidth(of: characters[start])
            start += 1
        }
        return (String(characters[start...]), columns)
    }

    // MARK: - Prompt

    private func drawPrompt(_ grid: inout ScreenGrid, _ state: ExplorerState, row: Int) {
        var countText = ""
        var countRole = StyleRole.dim
        if let tokenization = state.tokenization {
            countText = tokenCountText(tokenization) + " tokens"
            if tokenization.isTruncated {
                countText += ", \(tokenization.cutCount) cut"
                countRole = .error
            }
        }
        let countColumn = grid.width - displayWidth(of: countText) - 1
        grid.put("> ", row: row, column: 0, role: .heading)
        let textLeft = 2
        let textWidth = max(1, countColumn - textLeft - 1)

        let characters = state.editor.characters
        var start = 0
        var cursorColumns = displayWidth(of: String(characters[0..<state.editor.cursor]))
        while cursorColumns >= textWidth, start < state.editor.cursor {
            cursorColumns -= displayWidth(of: characters[start])
            start += 1
        }

        let truncationStart = state.tokenization?.truncationStart
        var highlight: Range<Int>?
        if state.focus == .chips, let tokenization = state.tokenization {
            let chips = makeChips(tokenization, visibleWhitespace: state.visibleWhitespace)
            if state.selectedChip < chips.count, let pieceIndex = chips[state.selectedChip].pieceIndex {
                highlight = tokenization.pieces[pieceIndex].source
            }
        }

        var x = textLeft
        for index in start..<characters.count {
            var character = characters[index]
            if state.visibleWhitespace, character == " " { character = "·" }
            var role = StyleRole.prompt
            if let truncationStart, index >= truncationStart { role = .promptTruncated }
            if let highlight, highlight.contains(index) { role = .sourceHighlight }
            x = grid.put(String(character), row: row, column: x, role: role, limit: textLeft + textWidth)
            if x >= textLeft + textWidth { break }
        }
        if state.focus == .prompt {
            grid.cursor = (row, textLeft + cursorColumns)
        }
        grid.put(countText, row: row, column: countColumn, role: countRole)
    }

    // MARK: - Main area

    private func drawMain(_ grid: inout ScreenGrid, _ state: ExplorerState, top: Int, bottom: Int) {
        var leftWidth = grid.width
        var imageTop = bottom
        if state.image != nil || !state.labels.isEmpty {
            if grid.width >= Self.sideBySideWidth {
                let paneWidth = min(64, grid.width * 45 / 100)
                leftWidth = grid.width - paneWidth - 1
                for y in top..<bottom { grid.put("│", row: y, column: leftWidth, role: .border) }
                drawImagePane(&grid, state, top: top, bottom: bottom, left: leftWidth + 1, width: paneWidth)
            } else {
                // A narrow terminal stacks the image pane under the token view.
                imageTop = top + max(8, (bottom - top) / 2)
                if imageTop < bottom - 4 {
                    drawImagePane(&grid, state, top: imageTop, bottom: bottom, left: 0, width: grid.width)
                } else {
                    imageTop = bottom
                }
            }
        }
        drawTokenSections(&grid, state, top: top, bottom: imageTop, width: leftWidth)
    }

    private func drawTokenSections(_ grid: inout ScreenGrid, _ state: ExplorerState, top: Int, bottom: Int, width: Int) {
        guard let tokenization = state.tokenization else {
            grid.put("Type a prompt to see its tokens.", row: top + 1, column: 1, role: .dim, limit: width)
            // `:` opens the command line only on an empty prompt, so :vocab and :id listings show here too.
            if let title = state.vocabTitle, top + 3 < bottom {
                drawVocab(&grid, state, title: title, top: top + 3, bottom: bottom, width: width)
            }
            return
        }
        var y = top
        let tensorLines = wrapAtCommas(tensorText(tokenization), width: width - 1, indent: 9)
        let stripRows = (tokenization.contextLength + (tokenization.isTruncated ? tokenization.cutCount + 1 : 0) + width - 2) / max(1, width - 1)
        let reserved = 2 + min(stripRows, 3) + 1 + min(tensorLines.count, 3)

        // Tokens
        grid.put("Tokens", row: y, column: 0, role: .heading, limit: width)
        grid.put("  Tab inspect · F2 whitespace", row: y, column: 6, role: .dim, limit: width)
        y += 1
        let chips = makeChips(tokenization, visibleWhitespace: state.visibleWhitespace)
        let chipRows = max(2, bottom - y - reserved)
        let selected = state.focus == .chips ? state.selectedChip : nil
        y += grid.drawChips(chips, selected: selected, top: y, left: 0, width: width - 1, rows: chipRows)
        guard y < bottom else { return }

        // Slots
        grid.put("Slots \(tokenCountText(tokenization)) tokens", row: y, column: 0, role: .heading, limit: width)
        var note = " · the limit counts tokens, not characters · pad id \(tokenization.padID) (F3)"
        if tokenization.isTruncated { note = " · \(tokenization.cutCount) cut by truncation" + note }
        grid.put(note, row: y, column: displayWidth(of: "Slots \(tokenCountText(tokenization)) tokens"), role: .dim, limit: width)
        y += 1
        y += grid.drawSlotStrip(tokenization, top: y, left: 0, width: width - 1, rows: min(stripRows, max(0, bottom - y)))
        guard y < bottom else { return }

        // Tensor, with its last row replaced by a note when it needs more rows than it gets
        var shownTensor = Array(tensorLines.prefix(min(3, bottom - y)))
        if shownTensor.count < tensorLines.count, let last = shownTensor.indices.last {
            shownTensor[last] = String(repeating: " ", count: 9) + "… \(tensorLines.count - last) more rows; :save FILE writes all ids"
        }
        for line in shownTensor {
            grid.put(line, row: y, column: 0, role: .text, limit: width)
            y += 1
        }
        y += 1
        guard y < bottom else { return }

        // Inspector or vocabulary listing
        if let title = state.vocabTitle {
            drawVocab(&grid, state, title: title, top: y, bottom: bottom, width: width)
        } else if state.focus == .chips {
            drawInspector(&grid, state, tokenization, chips: chips, top: y, bottom: bottom, width: width)
        }
    }

    private func drawVocab(_ grid: inout ScreenGrid, _ state: ExplorerState, title: String, top: Int, bottom: Int, width: Int) {
        grid.put(title, row: top, column: 0, role: .heading, limit: width)
        var y = top + 1
        var column = 0
        let cellWidth = 24
        for row in state.vocabRows {
            guard y < bottom else { break }
            grid.put(String(row.id), row: y, column: column, role: .tokenID, limit: width)
            grid.put(row.token, row: y, column: column + 7, role: .text, limit: min(width, column + cellWidth - 1))
            column += cellWidth
            if column + cellWidth > width {
                column = 0
                y += 1
            }
        }
    }
}

/// Splits a message into at most `maxRows` lines of at most `width` columns,
/// breaking at spaces where it can. When the message needs more rows, the
/// last line ends with `…`. Returns no lines for an empty message.
func wrapMessage(_ text: String, width: Int, maxRows: Int) -> [String] {
    guard !text.isEmpty, width > 1, maxRows > 0 else { return [] }
    var lines: [String] = []
    var current = ""
    var currentWidth = 0
    var lastSpace: String.Index?

    for character in text {
        let characterWidth = displayWidth(of: character)
        if character == " ", currentWidth + characterWidth > width {
            // A space that would overflow ends the line and is dropped.
            lines.append(current)
            current = ""
            currentWidth = 0
            lastSpace = nil
            continue
        }
        if currentWidth + characterWidth > width {
            // Break after the last space on the line, or mid-word when there is none.
            if let space = lastSpace {
                let rest = String(current[current.index(after: space)...])
                lines.append(String(current[..<space]))
                current = rest
            } else {
                lines.append(current)
                current = ""
            }
            currentWidth = displayWidth(of: current)
            lastSpace = nil
        }
        if character == " " { lastSpace = current.endIndex }
        current.append(character)
        currentWidth += characterWidth
    }
    if !current.isEmpty { lines.append(current) }

    guard lines.count > maxRows else { return lines }
    var shown = Array(lines.prefix(maxRows))
    var last = shown[maxRows - 1]
    while !last.isEmpty, displayWidth(of: last) + 1 > width { last.removeLast() }
    shown[maxRows - 1] = last + "…"
    return shown
}
