/// One key press or paste, after escape sequences and control bytes are decoded.
public enum Key: Equatable, Sendable {
    case character(Character)
    /// Ctrl plus a letter, as its lowercase letter: Ctrl-A is `.control("a")`.
    case control(Character)
    /// Text from a bracketed paste, delivered whole.
    case paste(String)
    case up, down, left, right, home, end
    case pageUp, pageDown
    case backspace, delete, enter, tab, backTab, escape
    case function(Int)
    case resize
}

/// Input as the terminal layer reads it: Unicode scalars, keys ncurses has
/// already decoded, the bracketed-paste markers, or a read that timed out.
public enum RawInput: Equatable, Sendable {
    case scalar(UInt32)
    case key(Key)
    case pasteStart
    case pasteEnd
    case timeout
}

/// Turns raw input into keys. Bracketed paste (`ESC [200~` ... `ESC [201~`)
/// is collected into one `.paste` whose newlines and tabs become spaces,
/// because the prompt is a single line.
public struct KeyDecoder {
    private var pasteBuffer: String?

    public init() {}

    public var isInsidePaste: Bool { pasteBuffer != nil }

    /// Returns the key `input` completes, or nil while a paste is still open.
    public mutating func decode(_ input: RawInput) -> Key? {
        switch input {
        case .pasteStart:
            pasteBuffer = ""
            return nil
        case .pasteEnd:
            let text = pasteBuffer ?? ""
            pasteBuffer = nil
            return .paste(text)
        case .timeout:
            return nil
        case .key(let key):
            if pasteBuffer != nil {
                if key == .enter || key == .tab { pasteBuffer?.append(" ") }
                return nil
            }
            return key
        case .scalar(let value):
            if pasteBuffer != nil {
                appendToPaste(value)
                return nil
            }
            return Self.key(forScalar: value)
        }
    }

    private mutating func appendToPaste(_ value: UInt32) {
        guard let scalar = Unicode.Scalar(value) else { return }
        if value == 0x0A || value == 0x0D || value == 0x09 {
            pasteBuffer?.unicodeScalars.append(" ")
        } else if !isControl(scalar) {
            pasteBuffer?.unicodeScalars.append(scalar)
        }
    }

    /// Maps a scalar to a key: control bytes to their named keys, the rest to characters.
    static func key(forScalar value: UInt32) -> Key? {
        switch value {
        case 0x09: return .tab
        case 0x0A, 0x0D: return .enter
        case 0x08, 0x7F: return .backspace
        case 0x1B: return .escape
        case 0x01...0x1A:
            guard let letter = Unicode.Scalar(value + 0x60) else { return nil }
            return .control(Character(letter))
        case 0x00, 0x1C...0x1F, 0x80...0x9F:
            return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }
}
