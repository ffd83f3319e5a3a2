import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The `clip-explorer` entry point: dispatches to a subcommand, or with none
/// starts the explorer (a terminal) or the line-mode REPL (anything else).
public enum Program {
    public static let name = "clip-explorer"
    public static let version = "0.1.0"

    /// Every subcommand, grouped by the layer that implements it.
    public static var commands: [Command] {
        tokenizerCommands + imageCommands + modelCommands + hubCommands
    }

    /// Runs the program with `arguments` (without the program name) and returns the exit status.
    public static func run(_ arguments: [String], output: inout CommandOutput) -> Int32 {
        guard let first = arguments.first, !first.hasPrefix("-") || first == "-h" || first == "--help" || first == "--version" else {
            return runDefault(arguments, output: &output)
        }
        if first == "help", arguments.count > 1 {
            return runHelp(Array(arguments.dropFirst()), output: &output)
        }
        if first == "-h" || first == "--help" || first == "help" {
            output.out(overview())
            return 0
        }
        if first == "--version" {
            output.out("\(name) \(version)\n")
            return 0
        }
        guard let command = commands.first(where: { $0.name == first }) else {
            output.err("\(name): unknown command '\(escapingControlCharacters(first))'. Run '\(name) --help' for the list of commands.\n")
            return 2
        }
        return run(command, Array(arguments.dropFirst()), output: &output)
    }

    /// Parses and runs one command, mapping usage errors to exit status 2 and
    /// every other error to a one-line message and exit status 1.
    public static func run(_ command: Command, _ arguments: [String], output: inout CommandOutput) -> Int32 {
        do {
            let parsed = try parseArguments(arguments, options: command.options)
            if parsed.helpRequested {
                output.out(command.helpText(program: name))
                return 0
            }
            return try command.run(parsed, &output)
        } catch let error as UsageError {
            output.err("\(name) \(command.name): \(escapingControlCharacters(error.message))\n")
            output.err("Run '\(name) \(command.name) --help' for usage.\n")
            return 2
        } catch {
            output.err("\(name) \(command.name): \(escapingControlCharacters(describe(error)))\n")
            return 1
        }
    }

    /// Prints the help of the command named in `arguments`, so `help tokenize` equals `tokenize --help`.
    static func runHelp(_ arguments: [String], output: inout CommandOutput) -> Int32 {
        guard arguments.count == 1, let command = commands.first(where: { $0.name == arguments[0] }) else {
            let names = commands.map(\.name).joined(separator: ", ")
            output.err("\(name) help: expected one command name (\(names)), got '\(arguments.joined(separator: " "))'\n")
            return 2
        }
        output.out(command.helpText(program: name))
        return 0
    }

    /// Returns the top-level help: the commands and how to start the explorer.
    public static func overview() -> String {
        var lines = [
            "\(name) \(version): look inside OpenAI's CLIP from a terminal.",
            "",
            "usage: \(name) [--model M] [--theme NAME] [--log FILE]",
            "       \(name) COMMAND [OPTIONS] ...",
            "",
            "With no command, the full-screen explorer starts on a terminal; when standard",
            "input or output is not a terminal, the line-mode REPL tokenizes each input line.",
            "",
            "explorer options:",
            "  --model M      model folder, checkpoint file or cached repository id (default: the demo model)",
            "  --theme NAME   theme from Themes/ or $XDG_CONFIG_HOME/clip-explorer/themes/, or a .theme path",
            "  --log FILE     append diagnostics to FILE; the explorer never prints to its terminal",
            "",
            "commands:",
        ]
        let width = (commands.map(\.name.count).max() ?? 0) + 2
        for command in commands {
            lines.append("  " + command.name.padding(toLength: width, withPad: " ", startingAt: 0) + command.summary)
        }
        lines.append("")
        lines.append("Run '\(name) COMMAND --help' for a command's options.")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Returns `text` with control characters written as `\u{1B}`, so a path or
/// label quoted in output cannot move the cursor, change colours or clear the
/// user's terminal. Newline and tab are kept unless `keepingLineBreaks` is false.
public func escapingControlCharacters(_ text: String, keepingLineBreaks: Bool = true) -> String {
    var result = ""
    result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
        let value = scalar.value
        let isControl = value < 0x20 || (0x7F...0x9F).contains(value)
        if isControl && !(keepingLineBreaks && (scalar == "\n" || scalar == "\t")) {
            result += "\\u{" + String(value, radix: 16, uppercase: true) + "}"
        } else {
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}

/// Returns a one-line description of an error. Every error type of this
/// project conforms to `LocalizedError` with a message that names the value.
public func describe(_ error: Error) -> String {
    if let localized = error as? LocalizedError, let message = localized.errorDescription {
        return message
    }
    return String(describing: error)
}
