import Foundation

/// One invalid line of a theme file. The key falls back to the default theme.
public struct ThemeIssue: Equatable, Sendable {
    public let path: String
    public let line: Int
    /// The key on that line, or nil when the line has none.
    public let key: String?
    public let reason: String

    public var description: String {
        let place = "\(path):\(line)"
        if let key { return "\(place): key '\(key)': \(reason)" }
        return "\(place): \(reason)"
    }
}

/// Theme files that cannot be used, in whole or in part.
public enum ThemeError: LocalizedError, Equatable {
    /// Some lines are invalid. The theme is still used, with those keys
    /// taken from the default theme.
    case invalidLines([ThemeIssue])
    case notFound(name: String, searched: [String])
    case isDirectory(path: String)
    case notText(path: String)
    case unreadable(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .invalidLines(let issues):
            // One file's issues name the path once and list the line numbers first,
            // so a message cut to the screen's width still names the lines to fix.
            let paths = Set(issues.map(\.path))
            guard paths.count == 1, let path = paths.first else {
                let list = issues.map(\.description).joined(separator: "; ")
                return "theme has \(issues.count) invalid lines, default colours used for them: \(list)"
            }
            let numbers = issues.map { String($0.line) }.joined(separator: ", ")
            let lines = issues.count == 1 ? "line" : "lines"
            let details = issues.map { issue in
                "line \(issue.line): " + (issue.key.map { "key '\($0)': " } ?? "") + issue.reason
            }.joined(separator: "; ")
            return "invalid theme \(lines) \(numbers) in \(path), default colours used for them: \(details)"
        case .notFound(let name, let searched):
            return "theme '\(name)' not found in \(searched.joined(separator: ", ")); use :theme to list themes"
        case .isDirectory(let path):
            return "theme \(path) is a folder, not a .theme file"
        case .notText(let path):
            return "theme \(path) is not a text file (it contains NUL bytes or invalid UTF-8)"
        case .unreadable(let path, let reason):
            return "cannot read theme \(path): \(reason)"
        }
    }
}
