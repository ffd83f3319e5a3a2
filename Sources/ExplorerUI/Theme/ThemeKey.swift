/// A colour a theme file sets, named by the part of the screen it colours.
/// The raw value is the key as written in a `.theme` file.
public enum ThemeKey: String, CaseIterable, Sendable {
    case background
    case text
    case dim
    case titleForeground = "title.fg"
    case titleBackground = "title.bg"
    case heading
    case border
    case statusForeground = "status.fg"
    case statusBackground = "status.bg"
    case message
    case error
    case prompt
    case truncated
    case highlight
    case chipText = "chip.text"
    case chip1 = "chip.1"
    case chip2 = "chip.2"
    case chip3 = "chip.3"
    case chip4 = "chip.4"
    case chip5 = "chip.5"
    case chip6 = "chip.6"
    case chip7 = "chip.7"
    case chip8 = "chip.8"
    case special
    case selected
    case tokenID = "token.id"
    case padding
    case bar
    case barEmpty = "bar.empty"
    case spinner

    /// The chip background colours, picked by token id.
    public static let chipColors: [ThemeKey] = [.chip1, .chip2, .chip3, .chip4, .chip5, .chip6, .chip7, .chip8]
}

/// A colour as a theme file writes it.
public enum ColorSpec: Hashable, Sendable {
    /// The terminal's own foreground or background.
    case terminalDefault
    /// An xterm palette index: 0-7 the ANSI colours, 8-15 their bright forms,
    /// 16-231 a 6x6x6 cube, 232-255 a grey ramp.
    case indexed(UInt8)
    case rgb(RGB)
}

/// The built-in dark theme. Themes/default.theme contains the same values (a
/// test keeps them equal), and every other theme falls back to these per key.
public let defaultThemeColors: [ThemeKey: ColorSpec] = [
    .background: .rgb(RGB(0x1C, 0x1E, 0x26)),
    .text: .rgb(RGB(0xD8, 0xDE, 0xE9)),
    .dim: .rgb(RGB(0x6B, 0x73, 0x85)),
    .titleForeground: .rgb(RGB(0x1C, 0x1E, 0x26)),
    .titleBackground: .rgb(RGB(0x88, 0xC0, 0xD0)),
    .heading: .rgb(RGB(0x81, 0xA1, 0xC1)),
    .border: .rgb(RGB(0x43, 0x4C, 0x5E)),
    .statusForeground: .rgb(RGB(0xD8, 0xDE, 0xE9)),
    .statusBackground: .rgb(RGB(0x2E, 0x34, 0x40)),
    .message: .rgb(RGB(0xA3, 0xBE, 0x8C)),
    .error: .rgb(RGB(0xBF, 0x61, 0x6A)),
    .prompt: .rgb(RGB(0xEC, 0xEF, 0xF4)),
    .truncated: .rgb(RGB(0x4C, 0x56, 0x6A)),
    .highlight: .rgb(RGB(0xEB, 0xCB, 0x8B)),
    .chipText: .rgb(RGB(0x1C, 0x1E, 0x26)),
    .chip1: .rgb(RGB(0x88, 0xC0, 0xD0)),
    .chip2: .rgb(RGB(0xA3, 0xBE, 0x8C)),
    .chip3: .rgb(RGB(0xEB, 0xCB, 0x8B)),
    .chip4: .rgb(RGB(0xD0, 0x87, 0x70)),
    .chip5: .rgb(RGB(0xB4, 0x8E, 0xAD)),
    .chip6: .rgb(RGB(0x8F, 0xBC, 0xBB)),
    .chip7: .rgb(RGB(0xE5, 0xA5, 0xC5)),
    .chip8: .rgb(RGB(0xC8, 0xD0, 0x8A)),
    .special: .rgb(RGB(0x5E, 0x81, 0xAC)),
    .selected: .rgb(RGB(0xFF, 0xFF, 0xFF)),
    .tokenID: .rgb(RGB(0x81, 0xA1, 0xC1)),
    .padding: .rgb(RGB(0x4C, 0x56, 0x6A)),
    .bar: .rgb(RGB(0x88, 0xC0, 0xD0)),
    .barEmpty: .rgb(RGB(0x3B, 0x42, 0x52)),
    .spinner: .rgb(RGB(0xEB, 0xCB, 0x8B)),
]
