import CNcursesw
import CTerminal
import Foundation

/// The full-screen explorer on a terminal: reads keys, hands them to the
/// session and draws its screen. Never prints to the terminal outside ncurses.
public final class TerminalApp {
    let session: ExplorerSession
    let log: ExplorerLog
    let environment: [String: String]

    public init(session: ExplorerSession, log: ExplorerLog, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.session = session
        self.log = log
        self.environment = environment
    }

    /// Runs until the user quits or a stop signal arrives, and returns the
    /// exit status. Throws when the terminal cannot be started.
    public func run() throws -> Int32 {
        if ct_setup_locale() == 0 {
            log.write("terminal: no UTF-8 locale is available; non-ASCII text may show wrongly")
        }
        guard ct_start() == 0 else {
            throw ExplorerError.terminalStartFailed(term: environment["TERM"] ?? "(unset)")
        }
        defer { ct_stop() }

        let depth = ColorDepth.detect(environment: environment, terminfoColors: Int(ct_colors()), directColor: ct_direct_color() != 0)
        log.write("terminal: TERM=\(environment["TERM"] ?? "") colours=\(ct_colors()) pairs=\(ct_color_pairs()) depth=\(depth)")
        let screen = TerminalScreen(depth: depth, theme: session.theme)
        var decoder = KeyDecoder()
        var dirty = true

        while true {
            let signal = ct_stop_signal()
            if signal != 0 {
                log.write("terminal: stopping on signal \(signal)")
                return 128 + signal
            }
            if dirty {
                var rows: Int32 = 0
                var columns: Int32 = 0
                ct_size(&rows, &columns)
                screen.setTheme(session.theme)
                screen.draw(session.render(width: Int(columns), height: Int(rows), colorEnabled: screen.depth != .none))
                dirty = false
            }

            var value: UInt32 = 0
            let kind = ct_read(80, &value)
            let raw: RawInput
            switch kind {
            case CT_INPUT_CHAR: raw = .scalar(value)
            case CT_INPUT_KEY: raw = Self.rawInput(forKeyCode: Int32(bitPattern: value))
            default: raw = .timeout
            }
            if raw == .key(.resize) { screen.invalidate() }

            if let key = decoder.decode(raw) {
                switch session.handle(key) {
                case .quit:
                    return 0
                case .suspend:
                    ct_suspend()
                    screen.invalidate()
                case .redraw:
                    screen.invalidate()
                case .none:
                    break
                }
                dirty = true
            }
            if session.poll() { dirty = true }
        }
    }

    /// Maps an ncurses key code to raw input.
    static func rawInput(forKeyCode code: Int32) -> RawInput {
        switch code {
        case CT_KEY_PASTE_START: return .pasteStart
        case CT_KEY_PASTE_END: return .pasteEnd
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_ENTER: return .key(.enter)
        case KEY_BTAB: return .key(.backTab)
        case KEY_RESIZE: return .key(.resize)
        default:
            let first = ct_key_function(1)
            if code >= first, code < first + 12 { return .key(.function(Int(code - first + 1))) }
            return .timeout
        }
    }
}
