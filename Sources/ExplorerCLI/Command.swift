import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A subcommand such as `tokenize` or `classify`.
public struct Command: Sendable {
    public let name: String
    public let summary: String
    /// Usage lines shown after "usage: ", without the program name.
    public let usage: [String]
    public let options: [OptionSpec]
    /// Extra help text after the option list: examples, exit status, notes.
    public let details: String
    public let run: @Sendable (ParsedArguments, inout CommandOutput) throws -> Int32

    public init(name: String, summary: String, usage: [String], options: [OptionSpec], details: String = "",
                run: @escaping @Sendable (ParsedArguments, inout CommandOutput) throws -> Int32) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.options = options
        self.details = details
        self.run = run
    }

    /// Returns the `--help` text.
    public func helpText(program: String) -> String {
        var lines: [String] = []
        lines.append(summary)
        lines.append("")
        for (i, line) in usage.enumerated() {
            lines.append((i == 0 ? "usage: " : "       ") + program + " " + line)
        }
        if !options.isEmpty {
            lines.append("")
            lines.append("options:")
            let labels = options.map { option in
                option.valueName.map { "\(option.name) \($0)" } ?? option.name
            }
            let width = min(28, (labels.map { $0.count }.max() ?? 0) + 2)
            for (label, option) in zip(labels, options) {
                let padded = label.count < width ? label + String(repeating: " ", count: width - label.count) : label + "  "
                lines.append("  " + padded + option.help)
            }
            lines.append("  " + "-h, --help".padding(toLength: width, withPad: " ", startingAt: 0) + "show this help")
        }
        if !details.isEmpty {
            lines.append("")
            lines.append(details)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The two output streams of a command. Tests capture them, and the program writes them to file descriptors 1 and 2.
public struct CommandOutput {
    public var standardOutput: (String) -> Void
    public var standardError: (String) -> Void

    public init(standardOutput: @escaping (String) -> Void, standardError: @escaping (String) -> Void) {
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    public mutating func out(_ text: String) { standardOutput(text) }
    public mutating func err(_ text: String) { standardError(text) }

    /// Writes straight to the process's file descriptors, unbuffered by Foundation.
    /// A failed write to standard output ends the process with status 1 and a
    /// message, so lost output never looks like success. Such a write fails on a
    /// full disk, a closed descriptor, or a closed pipe while SIGPIPE is ignored.
    public static var process: CommandOutput {
        CommandOutput(
            standardOutput: { text in
                let error = writeAll(1, text)
                if error != 0 { exitAfterFailedOutput(error) }
            },
            standardError: { _ = writeAll(2, $0) })
    }
}

/// Writes all of `text` to `descriptor`, retrying short writes and EINTR.
/// Returns 0, or the errno of the write that failed.
func writeAll(_ descriptor: Int32, _ text: String) -> Int32 {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { buffer in
            write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
        }
        if written < 0 {
            if errno == EINTR { continue }
            return errno
        }
        offset += written
    }
    return 0
}

/// Ends the process after a failed write to standard output. A closed pipe
/// (EPIPE, as `| head` gives when SIGPIPE is ignored) ends it without a message.
private func exitAfterFailedOutput(_ error: Int32) -> Never {
    if error != EPIPE {
        _ = writeAll(2, "\(Program.name): writing standard output failed: \(String(cString: strerror(error)))\n")
    }
    exit(1)
}
