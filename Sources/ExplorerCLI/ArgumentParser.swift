// A small command-line parser: the toolchain ships none, and SwiftPM here
// cannot fetch swift-argument-parser.

/// One option a command accepts, such as `--top 5` or the flag `--json`.
public struct OptionSpec: Sendable {
    public let name: String
    /// Placeholder shown in help for the value, or nil for a flag.
    public let valueName: String?
    public let repeatable: Bool
    public let help: String

    public static func flag(_ name: String, help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, repeatable: false, help: help)
    }

    public static func value(_ name: String, _ valueName: String, repeatable: Bool = false, help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, repeatable: repeatable, help: help)
    }
}

/// A bad command line: printed with the command's usage, exit status 2.
public struct UsageError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The result of parsing: option values by name, flags, and positional arguments in order.
public struct ParsedArguments: Sendable {
    public var values: [String: [String]] = [:]
    public var flags: Set<String> = []
    public var positionals: [String] = []
    public var helpRequested = false

    public init() {}

    public func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// Returns the last value given for `name`, or nil when absent.
    public func value(_ name: String) -> String? { values[name]?.last }

    public func all(_ name: String) -> [String] { values[name] ?? [] }

    /// Parses an integer option, rejecting text, overflow and values outside `range`.
    public func int(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = value(name) else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError("invalid value '\(text)' for \(name): expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}

/// Parses `arguments` against `options`. Accepts `--name value`, `--name=value`,
/// `--` to end options, and `-h`/`--help`. A lone `-` is a positional (standard input).
public func parseArguments(_ arguments: [String], options: [OptionSpec]) throws -> ParsedArguments {
    var specs: [String: OptionSpec] = [:]
    for option in options { specs[option.name] = option }

    var parsed = ParsedArguments()
    var index = 0
    var optionsEnded = false
    while index < arguments.count {
        let argument = arguments[index]
        index += 1

        if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
            parsed.positionals.append(argument)
            continue
        }
        if argument == "--" {
            optionsEnded = true
            continue
        }
        if argument == "-h" || argument == "--help" {
            parsed.helpRequested = true
            continue
        }

        var name = argument
        var inlineValue: String?
        if let equals = argument.firstIndex(of: "=") {
            name = String(argument[..<equals])
            inlineValue = String(argument[argument.index(after: equals)...])
        }
        guard let spec = specs[name] else {
            // A negative number is a positional where a command takes numbers.
            if Double(argument) != nil {
                parsed.positionals.append(argument)
                continue
            }
            // Options here are all long, so a single dash is most likely text such as "-a cat".
            let hint = name.hasPrefix("--") ? "" : "; put -- before an argument that starts with '-'"
            throw UsageError("unknown option '\(name)'" + hint)
        }

        guard spec.valueName != nil else {
            if inlineValue != nil { throw UsageError("option \(name) takes no value") }
            parsed.flags.insert(name)
            continue
        }
        let value: String
        if let inlineValue {
            value = inlineValue
        } else {
            guard index < arguments.count else { throw UsageError("option \(name) needs a value") }
            value = arguments[index]
            index += 1
        }
        if !spec.repeatable, parsed.values[name] != nil {
            throw UsageError("option \(name) was given more than once")
        }
        parsed.values[name, default: []].append(value)
    }
    return parsed
}
