import Foundation

/// Errors of the explorer other than theme files (those are `ThemeError`).
/// The explorer shows each in its message line and keeps running.
public enum ExplorerError: LocalizedError, Equatable {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case unknownCommand(String)
    case invalidCommand(command: String, reason: String)
    case noModel(reason: String)
    case terminalStartFailed(term: String)

    public var errorDescription: String? {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .unwritable(let path, let reason):
            return "cannot write \(path): \(reason); check that the folder exists and is writable"
        case .unknownCommand(let name):
            return "unknown command ':\(name)'; press F1 for the list of commands"
        case .invalidCommand(let command, let reason):
            return ":\(command): \(reason)"
        case .noModel(let reason):
            return "no model is loaded (\(reason)); use :model PATH"
        case .terminalStartFailed(let term):
            return "cannot start the explorer on this terminal (TERM=\(term)); set TERM to a type ncurses knows, such as xterm-256color"
        }
    }
}
