/// One terminal cell. A wide character occupies its own cell and a
/// continuation cell to its right, whose `width` is 0.
public struct Cell: Equatable, Sendable {
    public var character: Character
    public var width: UInt8
    public var role: StyleRole

    public static let blank = Cell(character: " ", width: 1, role: .text)
}

/// A screen as rows of cells. Views draw into it, the terminal layer copies
/// it to ncurses, and tests read it back as plain text.
public struct ScreenGrid: Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// The terminal cursor position after drawing, or nil to hide the cursor.
    public var cursor: (row: Int, column: Int)?

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(row: Int, column: Int) -> Cell {
        cells[row * width + column]
    }

    /// Writes `text` from `column` on `row`, clipped to `limit` (exclusive,
    /// default the grid width), and returns the column after the last cell
    /// written. A wide character that does not fit before the limit becomes a
    /// space; control characters become U+FFFD.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, row: Int, column: Int, role: StyleRole = .text, limit: Int? = nil) -> Int {
        let end = min(limit ?? width, width)
        guard row >= 0, row < height else { return column }
        var x = column
        for character in text {
            if x >= end { break }
            var shown = character
            var cellWidth = displayWidth(of: character)
            if cellWidth == 0 {
                shown = "\u{FFFD}"
                cellWidth = 1
            }
            if x < 0 {
                x += cellWidth
                continue
            }
            if x + cellWidth > end {
                setCell(row: row, column: x, Cell(character: " ", width: 1, role: role))
                x += 1
                break
            }
            setCell(row: row, column: x, Cell(character: shown, width: UInt8(cellWidth), role: role))
            if cellWidth == 2 {
                setCell(row: row, column: x + 1, Cell(character: " ", width: 0, role: role))
            }
            x += cellWidth
        }
        return x
    }

    /// Paints the columns `from..<to` of `row` with spaces in `role`.
    public mutating func fill(row: Int, from: Int = 0, to: Int? = nil, role: StyleRole) {
        guard row >= 0, row < height else { return }
        let start = max(0, from)
        let end = min(to ?? width, width)
        guard start < end else { return }
        for x in start..<end {
            setCell(row: row, column: x, Cell(character: " ", width: 1, role: role))
        }
    }

    /// Changes the role of existing cells without changing their text.
    public mutating func restyle(row: Int, from: Int, to: Int, role: StyleRole) {
        guard row >= 0, row < height else { return }
        let start = max(0, from)
        let end = min(to, width)
        guard start < end else { return }
        for x in start..<end {
            cells[row * width + x].role = role
        }
    }

    /// Sets one cell, blanking the other half of any wide character it cuts.
    private mutating func setCell(row: Int, column: Int, _ cell: Cell) {
        guard column >= 0, column < width else { return }
        let index = row * width + column
        let old = cells[index]
        if old.width == 0, column > 0, cells[index - 1].width == 2 {
            cells[index - 1] = Cell(character: " ", width: 1, role: cells[index - 1].role)
        }
        if old.width == 2, column + 1 < width {
            cells[index + 1] = Cell(character: " ", width: 1, role: old.role)
        }
        cells[index] = cell
    }

    /// Returns the text of one row, without trailing spaces.
    public func rowText(_ row: Int) -> String {
        var line = ""
        for x in 0..<width {
            let cell = cells[row * width + x]
            if cell.width == 0 { continue }
            line.append(cell.character)
        }
        while line.last == " " { line.removeLast() }
        return line
    }

    /// Returns every row as text, one line each, without trailing spaces.
    public func plainText() -> String {
        (0..<height).map(rowText).joined(separator: "\n")
    }

    /// Returns the roles of one row's cells, for tests that check styling.
    public func roles(row: Int) -> [StyleRole] {
        (0..<width).map { cells[row * width + $0].role }
    }
}
