import CNcursesw
import CTerminal
import Foundation

/// Copies screen grids to ncurses, allocating colour pairs as styles appear.
final class TerminalScreen {
    let depth: ColorDepth
    private var theme: Theme
    private var styleCache: [StyleRole: (attributes: UInt32, pair: Int32)] = [:]
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private let maxPairs: Int32
    private var previousCells: [Cell] = []
    private var previousWidth = 0

    private struct PairKey: Hashable {
        var foreground: Int32
        var background: Int32
    }

    init(depth: ColorDepth, theme: Theme) {
        self.depth = depth
        self.theme = theme
        self.maxPairs = Int32(max(0, ct_color_pairs()))
    }

    var colorEnabled: Bool { depth != .none && !theme.monochrome }

    func setTheme(_ newTheme: Theme) {
        guard newTheme != theme else { return }
        theme = newTheme
        styleCache.removeAll()
        previousCells.removeAll()
    }

    /// Forgets what is on screen, so the next draw writes every cell (Ctrl-L, resume, resize).
    func invalidate() {
        previousCells.removeAll()
        ct_clear_on_refresh()
    }

    func draw(_ grid: ScreenGrid) {
        if previousWidth != grid.width || previousCells.count != grid.cells.count {
            ct_erase()
            previousCells.removeAll()
        }
        var characters = [wchar_t](repeating: 0, count: 6)
        for row in 0..<grid.height {
            for column in 0..<grid.width {
                let index = row * grid.width + column
                let cell = grid.cells[index]
                if !previousCells.isEmpty, previousCells[index] == cell { continue }
                if cell.width == 0 { continue }
                let (attributes, pair) = style(for: cell.role)
                let count = fillCharacters(cell.character, into: &characters)
                ct_put(Int32(row), Int32(column), &characters, Int32(count), attributes, pair)
            }
        }
        previousCells = grid.cells
        previousWidth = grid.width
        if let cursor = grid.cursor {
            ct_move_cursor(Int32(cursor.row), Int32(cursor.column), 1)
        } else {
            ct_move_cursor(0, 0, 0)
        }
        ct_refresh()
    }

    /// Writes the scalars ncurses can draw in one cell: the first scalar and
    /// the zero-width ones after it. A ZWJ emoji sequence draws as its first
    /// emoji, because ncurses and most terminals give each joined part its own
    /// width, which would shift the rest of the line.
    private func fillCharacters(_ character: Character, into buffer: inout [wchar_t]) -> Int {
        var count = 0
        for scalar in character.unicodeScalars {
            if count > 0 {
                if scalar.value == 0x200D { break }
                guard scalar.properties.generalCategory == .nonspacingMark
                        || scalar.properties.generalCategory == .enclosingMark
                        || scalar.value == 0xFE0F || scalar.value == 0xFE0E else { break }
            }
            buffer[count] = wchar_t(bitPattern: scalar.value)
            count += 1
            if count == 5 { break }
        }
        return count
    }

    private func style(for role: StyleRole) -> (UInt32, Int32) {
        if let cached = styleCache[role] { return cached }
        let resolved = theme.style(for: role, colorEnabled: colorEnabled)
        let attributes = ct_attributes(resolved.bold ? 1 : 0, resolved.dim ? 1 : 0, resolved.reverse ? 1 : 0, resolved.underline ? 1 : 0)
        var pair: Int32 = 0
        if colorEnabled {
            pair = colorPair(foreground: depth.terminalColor(resolved.foreground), background: depth.terminalColor(resolved.background))
        }
        // Image pixels are many and short-lived; caching each would grow without bound.
        if case .pixel = role {} else { styleCache[role] = (attributes, pair) }
        return (attributes, pair)
    }

    private func colorPair(foreground: Int32, background: Int32) -> Int32 {
        let key = PairKey(foreground: foreground, background: background)
        if let pair = pairs[key] { return pair }
        if nextPair >= maxPairs {
            // Out of pairs: start over. Cells drawn with reused pairs are
            // redrawn because the cache of drawn cells is cleared too.
            pairs.removeAll()
            styleCache.removeAll()
            previousCells.removeAll()
            nextPair = 1
        }
        let pair = nextPair
        guard ct_init_pair(pair, foreground, background) == 0 else { return 0 }
        nextPair += 1
        pairs[key] = pair
        return pair
    }
}
