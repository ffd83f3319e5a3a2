/// Shading characters from dark to light, for previews without colour.
private let shades: [Character] = [" ", "░", "▒", "▓", "█"]

extension Renderer {
    func drawImagePane(_ grid: inout ScreenGrid, _ state: ExplorerState, top: Int, bottom: Int, left: Int, width: Int) {
        var y = top
        let limit = left + width
        func line(_ text: String, _ role: StyleRole = .text) {
            guard y < bottom else { return }
            grid.put(text, row: y, column: left, role: role, limit: limit)
            y += 1
        }

        guard let image = state.image else {
            line("Image", .heading)
            line(":image PATH loads one (Tab completes)", .dim)
            y += 1
            drawLabels(&grid, state, top: &y, bottom: bottom, left: left, width: width)
            return
        }

        // File facts
        let info = image.info
        let fileName = info.path.split(separator: "/").last.map(String.init) ?? info.path
        var heading = "Image \(fileName)"
        if image.isEncoding { heading += " encoding " + String(Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")[(state.spinnerFrame ?? 0) % 10]) }
        line(heading, .heading)
        var facts = "\(info.format.uppercased()) \(info.width)x\(info.height) \(info.mode)"
        if info.exifOrientation != 1 {
            facts += info.exifRotationApplied ? " · EXIF orientation \(info.exifOrientation) applied" : " · EXIF orientation \(info.exifOrientation) ignored"
        }
        line(facts, .dim)
        for warning in info.warnings.prefix(2) { line("warning: " + warning, .error) }
        let shown = image.showWholeImage ? "whole image" : "\(image.crop.width)x\(image.crop.height) crop the model sees"
        line("preview: \(shown) (F4 switches)", .dim)

        let picture = image.showWholeImage ? image.whole : image.crop
        let promptLine = image.promptCosine.flatMap { cosine in
            // The score comes first so that a long prompt, cut at the pane's edge, never hides it.
            image.scoredPrompt.map { "prompt cosine " + formatFixed(cosine, digits: 3) + ": \"\($0)\"" }
        }

        // A short, wide pane puts the preview beside the ranking; a tall one puts it above.
        let rowsLeft = bottom - y
        if rowsLeft < width / 4, width >= 60, rowsLeft >= 4 {
            let previewColumns = min(width / 3, rowsLeft * 2)
            drawPreview(&grid, picture, top: y, left: left, columns: previewColumns, rows: rowsLeft)
            var textTop = y
            let textLeft = left + previewColumns + 1
            if let promptLine {
                grid.put(promptLine, row: textTop, column: textLeft, role: .text, limit: limit)
                textTop += 1
            }
            drawLabels(&grid, state, top: &textTop, bottom: bottom, left: textLeft, width: width - previewColumns - 1)
            return
        }

        // Keep a few rows for the ranking below the preview.
        let labelRows = state.labels.isEmpty ? 2 : min(state.labels.count, 10) + 3
        let previewRows = min(width / 2, max(3, rowsLeft - labelRows), max(6, (bottom - top) / 2))
        if previewRows >= 2, y + previewRows <= bottom {
            drawPreview(&grid, picture, top: y, left: left, columns: width, rows: previewRows)
            y += previewRows
        }
        if let promptLine { line(promptLine) }
        drawLabels(&grid, state, top: &y, bottom: bottom, left: left, width: width)
    }

    private func drawLabels(_ grid: inout ScreenGrid, _ state: ExplorerState, top y: inout Int, bottom: Int, left: Int, width: Int) {
        guard y < bottom else { return }
        let limit = left + width
        grid.put("Labels", row: y, column: left, role: .heading, limit: limit)
        grid.put(" (:labels a, b · :template …{}…)", row: y, column: left + 6, role: .dim, limit: limit)
        y += 1
        if state.labels.isEmpty {
            if y < bottom { grid.put("none; :labels a cat, a dog sets them", row: y, column: left, role: .dim, limit: limit) }
            y += 1
            return
        }
        guard let ranking = state.image?.ranking, !ranking.isEmpty else {
            if y < bottom {
                let text = state.image == nil ? "\(state.labels.count) labels; load an image to rank them" : "\(state.labels.count) labels, scoring…"
                grid.put(text, row: y, column: left, role: .dim, limit: limit)
            }
            y += 1
            return
        }

        // rank, label, bar, probability, cosine. The label column takes the
        // widest label's width when it fits beside a bar of 4 or more cells.
        let shownLabels = ranking.map { visibleControlCharacters($0.label) }
        let widestLabel = shownLabels.map { displayWidth(of: $0) }.max() ?? 0
        let labelWidth = max(8, min(widestLabel, width - 22 - 4))
        let barWidth = max(4, width - labelWidth - 22)
        for (index, row) in ranking.enumerated() {
            guard y < bottom else { break }
            var x = left
            x = grid.put(String(index + 1).leftPadded(to: 3) + " ", row: y, column: x, role: .dim, limit: limit)
            grid.put(elideMiddle(shownLabels[index], toWidth: labelWidth), row: y, column: x, role: .text, limit: min(limit, x + labelWidth))
            x += labelWidth + 1
            let filled = Int((Float(barWidth) * max(0, min(1, row.probability))).rounded())
            x = grid.put(String(repeating: "█", count: filled), row: y, column: x, role: .bar, limit: limit)
            x = grid.put(String(repeating: "░", count: barWidth - filled), row: y, column: x, role: .barEmpty, limit: limit)
            let numbers = " " + formatFixed(row.probability * 100, digits: 1).leftPadded(to: 5) + "% " + formatFixed(row.cosine, digits: 3).leftPadded(to: 6)
            grid.put(numbers, row: y, column: x, role: .text, limit: limit)
            y += 1
        }
    }

    /// Draws `image` scaled to fit `columns` x `rows` cells, two pixels a
    /// cell: the upper one as the foreground of `▀`, the lower one as its
    /// background. Without colour each cell is a shading character.
    func drawPreview(_ grid: inout ScreenGrid, _ image: PreviewImage, top: Int, left: Int, columns: Int, rows: Int) {
        let pixelRows = rows * 2
        // Scale to fit, in whole pixels, keeping the aspect ratio.
        var outWidth = columns
        var outHeight = image.height * columns / image.width
        if outHeight > pixelRows {
            outHeight = pixelRows
            outWidth = max(1, image.width * pixelRows / image.height)
        }
        outHeight = max(2, outHeight)
        let offset = left + (columns - outWidth) / 2
        let cellRows = (outHeight + 1) / 2

        // Sample every cell first: shading needs the luma range of the whole preview.
        var samples: [(upper: RGB, lower: RGB)] = []
        samples.reserveCapacity(cellRows * outWidth)
        for cellRow in 0..<cellRows {
            for x in 0..<outWidth {
                let columns = (x * image.width / outWidth)..<max(x * image.width / outWidth + 1, (x + 1) * image.width / outWidth)
                func sample(_ pixelRow: Int) -> RGB {
                    let y0 = pixelRow * image.height / outHeight
                    let y1 = max(y0 + 1, (pixelRow + 1) * image.height / outHeight)
                    return image.averageColor(columns: columns, rows: y0..<y1)
                }
                let upper = sample(cellRow * 2)
                let lower = cellRow * 2 + 1 < outHeight ? sample(cellRow * 2 + 1) : upper
                samples.append((upper, lower))
            }
        }

        if colorEnabled {
            for (index, sample) in samples.enumerated() {
                grid.put("▀", row: top + index / outWidth, column: offset + index % outWidth, role: .pixel(upper: sample.upper, lower: sample.lower))
            }
            return
        }

        // Without colour, stretch the preview's luma range over the shades,
        // so a red shape on a blue background stays visible.
        let lumas = samples.map { ($0.upper.luma + $0.lower.luma) / 2 }
        let darkest = lumas.min() ?? 0
        let range = max(1, (lumas.max() ?? 255) - darkest)
        for (index, luma) in lumas.enumerated() {
            let level = min(shades.count - 1, (luma - darkest) * shades.count / (range + 1))
            grid.put(String(shades[level]), row: top + index / outWidth, column: offset + index % outWidth, role: .text)
        }
    }
}

/// Returns `value` with `digits` decimals, without Foundation's locale-dependent formatting.
func formatFixed(_ value: Float, digits: Int) -> String {
    guard value.isFinite else { return String(value) }
    var scale: Float = 1
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 1e15 else { return String(value) }
    let whole = Int64(scaled)
    let divisor = Int64(scale)
    var text = String(whole / divisor)
    if digits > 0 {
        let fraction = String(whole % divisor)
        text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
    return (value < 0 && whole != 0 ? "-" : "") + text
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// Returns `text` with control characters written as `\u{1B}` and the like,
/// so a label from a file shows what it contains and its drawn width matches
/// the measured one (the grid would draw each as a one-column U+FFFD).
func visibleControlCharacters(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        } else {
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}

/// Shortens `text` to at most `width` columns by replacing its middle with
/// `…`, so labels that share a prefix ("a photo of a red star", "a photo of
/// a red cross") stay apart. Returns `text` unchanged when it fits.
func elideMiddle(_ text: String, toWidth width: Int) -> String {
    guard displayWidth(of: text) > width else { return text }
    guard width > 1 else { return width == 1 ? "…" : "" }
    let characters = Array(text)
    let available = width - 1
    let headWidth = available / 3
    let tailWidth = available - headWidth

    var head = ""
    var used = 0
    for character in characters {
        let characterWidth = displayWidth(of: character)
        if used + characterWidth > headWidth { break }
        head.append(character)
        used += characterWidth
    }
    var tail: [Character] = []
    used = 0
    for character in characters.reversed() {
        let characterWidth = displayWidth(of: character)
        if used + characterWidth > tailWidth { break }
        tail.append(character)
        used += characterWidth
    }
    return head + "…" + String(tail.reversed())
}
