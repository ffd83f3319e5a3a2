/// Colours and attributes for one cell, after the theme has been applied.
public struct ResolvedStyle: Hashable, Sendable {
    public var foreground: ColorSpec
    public var background: ColorSpec
    public var bold = false
    public var dim = false
    public var reverse = false
    public var underline = false
}

extension Theme {
    /// Returns how `role` looks. With `colorEnabled` false (NO_COLOR, a
    /// monochrome theme or a terminal without colour) every role keeps the
    /// terminal's colours and is distinguished by attributes alone.
    public func style(for role: StyleRole, colorEnabled: Bool) -> ResolvedStyle {
        colorEnabled && !monochrome ? coloredStyle(for: role) : monochromeStyle(for: role)
    }

    private func coloredStyle(for role: StyleRole) -> ResolvedStyle {
        let background = color(.background)
        func plain(_ key: ThemeKey) -> ResolvedStyle { ResolvedStyle(foreground: color(key), background: background) }

        switch role {
        case .text: return plain(.text)
        case .dim: return plain(.dim)
        case .title: return ResolvedStyle(foreground: color(.titleForeground), background: color(.titleBackground), bold: true)
        case .heading: return ResolvedStyle(foreground: color(.heading), background: background, bold: true)
        case .border: return plain(.border)
        case .status: return ResolvedStyle(foreground: color(.statusForeground), background: color(.statusBackground))
        case .message: return plain(.message)
        case .error: return ResolvedStyle(foreground: color(.error), background: background, bold: true)
        case .prompt: return plain(.prompt)
        case .promptTruncated: return ResolvedStyle(foreground: color(.truncated), background: background, underline: true)
        case .sourceHighlight: return ResolvedStyle(foreground: color(.chipText), background: color(.highlight))
        case .chip(let index): return ResolvedStyle(foreground: color(.chipText), background: chipColor(index))
        case .chipSpecial: return ResolvedStyle(foreground: color(.chipText), background: color(.special), bold: true)
        case .chipSelected: return ResolvedStyle(foreground: color(.chipText), background: color(.selected), bold: true, underline: true)
        case .tokenID: return plain(.tokenID)
        case .slotSpecial: return plain(.special)
        case .slotToken(let index): return ResolvedStyle(foreground: chipColor(index), background: background)
        case .slotPadding: return plain(.padding)
        case .slotTruncated: return ResolvedStyle(foreground: color(.truncated), background: background)
        case .bar: return plain(.bar)
        case .barEmpty: return plain(.barEmpty)
        case .spinner: return plain(.spinner)
        case .pixel(let upper, let lower): return ResolvedStyle(foreground: .rgb(upper), background: .rgb(lower))
        }
    }

    private func monochromeStyle(for role: StyleRole) -> ResolvedStyle {
        var style = ResolvedStyle(foreground: .terminalDefault, background: .terminalDefault)
        switch role {
        case .text, .prompt, .message, .border, .pixel, .slotToken: break
        case .dim, .tokenID, .slotPadding, .barEmpty: style.dim = true
        case .title, .status, .chip, .bar: style.reverse = true
        case .heading, .error, .spinner: style.bold = true
        case .promptTruncated, .slotTruncated: style.dim = true; style.underline = true
        case .sourceHighlight: style.reverse = true; style.underline = true
        case .chipSpecial: style.reverse = true; style.bold = true
        case .chipSelected: style.bold = true; style.underline = true
        case .slotSpecial: style.bold = true
        }
        return style
    }

    /// Returns the chip colour for palette slot `index` (any integer).
    public func chipColor(_ index: Int) -> ColorSpec {
        let keys = ThemeKey.chipColors
        let slot = ((index % keys.count) + keys.count) % keys.count
        return color(keys[slot])
    }
}
