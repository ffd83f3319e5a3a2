/// A one-line text editor that moves and deletes by grapheme cluster, so an
/// emoji ZWJ sequence or a letter with combining marks is one step.
public struct LineEditor: Equatable, Sendable {
    public private(set) var characters: [Character] = []
    /// Cursor position in characters, from 0 to `characters.count`.
    public private(set) var cursor = 0

    public init(_ text: String = "") {
        setText(text)
    }

    public var text: String { String(characters) }

    /// Replaces the whole text and puts the cursor at the end.
    public mutating func setText(_ text: String) {
        characters = Array(Self.singleLine(text))
        cursor = characters.count
    }

    /// Inserts `text` at the cursor. Newlines and tabs become spaces and other
    /// control characters are dropped, because the prompt is one line.
    public mutating func insert(_ text: String) {
        let clean = Self.singleLine(text)
        guard !clean.isEmpty else { return }

        // A combining mark can join the character before it, so the text is
        // re-segmented and the cursor placed after the inserted part.
        let before = String(characters[..<cursor]) + clean
        let after = String(characters[cursor...])
        let beforeCount = before.count
        characters = Array(before + after)
        cursor = min(beforeCount, characters.count)
    }

    public mutating func moveLeft() { if cursor > 0 { cursor -= 1 } }
    public mutating func moveRight() { if cursor < characters.count { cursor += 1 } }
    public mutating func moveHome() { cursor = 0 }
    public mutating func moveEnd() { cursor = characters.count }

    public mutating func deleteBackward() {
        guard cursor > 0 else { return }
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    /// Deletes the word before the cursor and the spaces after it, as Ctrl-W does in a shell.
    public mutating func deleteWordBackward() {
        var start = cursor
        while start > 0, characters[start - 1].isWhitespace { start -= 1 }
        while start > 0, !characters[start - 1].isWhitespace { start -= 1 }
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    public mutating func deleteToStart() {
        characters.removeSubrange(0..<cursor)
        cursor = 0
    }

    public mutating func deleteToEnd() {
        characters.removeSubrange(cursor...)
    }

    /// Applies an editing key and returns whether the editor used it.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .character(let character): insert(String(character))
        case .paste(let text): insert(text)
        case .left: moveLeft()
        case .right: moveRight()
        case .home, .control("a"): moveHome()
        case .end, .control("e"): moveEnd()
        case .backspace, .control("h"): deleteBackward()
        case .delete: deleteForward()
        case .control("w"): deleteWordBackward()
        case .control("u"): deleteToStart()
        case .control("k"): deleteToEnd()
        default: return false
        }
        return true
    }

    /// Returns `text` with line breaks and tabs as spaces and no control characters.
    static func singleLine(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: scalars.append(" ")
            default: if !isControl(scalar) { scalars.append(scalar) }
            }
        }
        return String(scalars)
    }
}
