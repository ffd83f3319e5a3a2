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
            let count = issues.count == 1 ? "1 invalid line" : "\(issues.count) invalid lines"
            let list = issues.map(\.description).joined(separator: "; ")
            return "theme has \(count), default colours used for them: \(list)"
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
