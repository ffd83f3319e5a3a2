import Foundation

/// Colours for every part of the screen, read from a `.theme` file.
public struct Theme: Equatable, Sendable {
    public var name: String
    public var colors: [ThemeKey: ColorSpec]
    /// A monochrome theme draws with bold, reverse and underline only, and
    /// shades image previews with block characters.
    public var monochrome: Bool

    public init(name: String, colors: [ThemeKey: ColorSpec] = defaultThemeColors, monochrome: Bool = false) {
        self.name = name
        self.colors = colors
        self.monochrome = monochrome
    }

    public static let builtInDefault = Theme(name: "default")

    public func color(_ key: ThemeKey) -> ColorSpec {
        colors[key] ?? defaultThemeColors[key] ?? .terminalDefault
    }

    // MARK: - Parsing

    /// Parses theme text. Each `key = value` line sets one colour; blank lines
    /// and `#` comments are skipped. Every invalid line is returned as an
    /// issue and its key keeps the default theme's colour.
    public static func parse(_ text: String, name: String, path: String) -> (theme: Theme, issues: [ThemeIssue]) {
        var theme = Theme(name: name)
        var issues: [ThemeIssue] = []
        var seen: [String: Int] = [:]

        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }

            guard let equals = line.firstIndex(of: "=") else {
                issues.append(ThemeIssue(path: path, line: lineNumber, key: nil, reason: "expected 'key = value', found '\(line)'"))
                continue
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = Self.stripComment(String(line[line.index(after: equals)...]))
            if let earlier = seen[key] {
                issues.append(ThemeIssue(path: path, line: lineNumber, key: key, reason: "set again (first set on line \(earlier)); the later value is used"))
            }
            seen[key] = lineNumber

            if key == "monochrome" {
                switch value.lowercased() {
                case "true", "yes", "1": theme.monochrome = true
                case "false", "no", "0": theme.monochrome = false
                default: issues.append(ThemeIssue(path: path, line: lineNumber, key: key, reason: "invalid value '\(value)': expected true or false"))
                }
                continue
            }
            guard let themeKey = ThemeKey(rawValue: key) else {
                issues.append(ThemeIssue(path: path, line: lineNumber, key: key, reason: "unknown key; known keys are \(ThemeKey.allCases.map(\.rawValue).joined(separator: ", ")), monochrome"))
                continue
            }
            switch parseColor(value) {
            case .success(let color): theme.colors[themeKey] = color
            case .failure(let reason): issues.append(ThemeIssue(path: path, line: lineNumber, key: key, reason: reason.text))
            }
        }
        return (theme, issues)
    }

    /// Drops a trailing ` # comment` from a value; a value starting with `#` is a colour.
    private static func stripComment(_ value: String) -> String {
        var text = value.trimmingCharacters(in: .whitespaces)
        if let hash = text.range(of: " #") { text = String(text[..<hash.lowerBound]) }
        return text.trimmingCharacters(in: .whitespaces)
    }

    struct ColorParseFailure: Error { let text: String }

    /// Parses `#RRGGBB`, a palette index 0-255, a colour name or `default`.
    static func parseColor(_ value: String) -> Result<ColorSpec, ColorParseFailure> {
        let lower = value.lowercased()
        if lower.isEmpty {
            return .failure(ColorParseFailure(text: "missing colour after '='"))
        }
        if lower.hasPrefix("#") {
            let hex = lower.dropFirst()
            guard hex.count == 6, let packed = UInt32(hex, radix: 16) else {
                return .failure(ColorParseFailure(text: "invalid colour '\(value)': expected #RRGGBB with six hex digits"))
            }
            return .success(.rgb(RGB(UInt8(truncatingIfNeeded: packed >> 16), UInt8(truncatingIfNeeded: packed >> 8), UInt8(truncatingIfNeeded: packed))))
        }
        if lower.allSatisfy(\.isASCII) && lower.allSatisfy(\.isNumber) {
            guard let index = Int(lower), (0...255).contains(index) else {
                return .failure(ColorParseFailure(text: "invalid palette index '\(value)': expected 0 to 255"))
            }
            return .success(.indexed(UInt8(index)))
        }
        if lower == "default" { return .success(.terminalDefault) }
        if let index = colorNames.firstIndex(of: lower.replacingOccurrences(of: "-", with: "_")) {
            return .success(.indexed(UInt8(index)))
        }
        return .failure(ColorParseFailure(text: "invalid colour '\(value)': expected #RRGGBB, 0-255, default or one of \(colorNames.joined(separator: ", "))"))
    }

    /// The 16 ANSI colour names, in palette order.
    static let colorNames = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright_black", "bright_red", "bright_green", "bright_yellow",
        "bright_blue", "bright_magenta", "bright_cyan", "bright_white",
    ]
}
