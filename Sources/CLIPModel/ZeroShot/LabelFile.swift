import Foundation

/// A label file: one label per line, the format of `classify --labels-file`
/// and the explorer's `:labels-file`.
public enum LabelFile {
    public enum ReadError: Error, CustomStringConvertible, Equatable {
        case unreadable(path: String)
        case notUTF8(path: String, line: Int)
        case empty(path: String)
        case duplicate(path: String, label: String, firstLine: Int, line: Int)

        public var description: String {
            switch self {
            case .unreadable(let path):
                return "label file '\(path)' was not found or is not readable"
            case .notUTF8(let path, let line):
                return "label file '\(path)' is not valid UTF-8 (line \(line)); save it as UTF-8"
            case .empty(let path):
                return "label file '\(path)' has no labels; write one label per line"
            case .duplicate(let path, let label, let firstLine, let line):
                return "label file '\(path)' lists '\(label)' on lines \(firstLine) and \(line); "
                    + "list each label once, because repeats split one label's probability between them"
            }
        }
    }

    /// Reads the labels in the file at `path`.
    public static func read(path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError.unreadable(path: path)
        }
        return try parse(data, path: path)
    }

    /// Splits `data` into labels, each listed once. Lines end with LF, CRLF or CR, so files
    /// saved on Windows or old Macs work. Surrounding spaces and tabs are
    /// dropped, blank lines are skipped, and a UTF-8 byte order mark at the
    /// start is removed, because editors on Windows add one and it would
    /// otherwise become part of the first label's prompt.
    public static func parse(_ data: Data, path: String) throws -> [String] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes.removeFirst(3)
        }
        var labels: [String] = []
        var firstLines: [String: Int] = [:]
        var lineNumber = 0
        var start = 0
        var index = 0
        while start < bytes.count {
            while index < bytes.count && bytes[index] != 0x0A && bytes[index] != 0x0D {
                index += 1
            }
            lineNumber += 1
            guard let line = String(validating: bytes[start..<index], as: UTF8.self) else {
                throw ReadError.notUTF8(path: path, line: lineNumber)
            }
            let label = line.trimmingCharacters(in: .whitespaces)
            if !label.isEmpty {
                if let firstLine = firstLines[label] {
                    throw ReadError.duplicate(path: path, label: label, firstLine: firstLine, line: lineNumber)
                }
                firstLines[label] = lineNumber
                labels.append(label)
            }
            // A CRLF pair ends one line, not two.
            if index + 1 < bytes.count && bytes[index] == 0x0D && bytes[index + 1] == 0x0A {
                index += 1
            }
            index += 1
            start = index
        }
        guard !labels.isEmpty else { throw ReadError.empty(path: path) }
        return labels
    }
}
