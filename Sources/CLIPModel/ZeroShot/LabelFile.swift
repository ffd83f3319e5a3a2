import Foundation

/// A label file: one label per line, the format of `classify --labels-file`
/// and the explorer's `:labels-file`.
public enum LabelFile {
    public enum ReadError: Error, CustomStringConvertible, Equatable {
        case unreadable(path: String)
        case notUTF8(path: String, line: Int)
        case empty(path: String)
        case duplicate(path: String, label: String, firstLine: Int, line: Int)
        case isFolder(path: String)
        case tooLarge(path: String, maxBytes: Int)

        public var description: String {
            switch self {
            case .unreadable(let path):
                return "label file '\(path)' was not found or is not readable"
            case .notUTF8(let path, let line):
                return "label file '\(path)' is not valid UTF-8 (line \(line)); save it as UTF-8"
            case .empty(let path):
                return "label file '\(path)' has no labels; write one label per line"
            case .isFolder(let path):
                return "label file '\(path)' is a folder; give a text file with one label per line"
            case .tooLarge(let path, let maxBytes):
                return "label file '\(path)' is larger than \(maxBytes >> 20) MB; split the labels into smaller files"
            case .duplicate(let path, let label, let firstLine, let line):
                return "label file '\(path)' lists '\(label)' on lines \(firstLine) and \(line); "
                    + "list each label once, because repeats split one label's probability between them"
            }
        }
    }

    /// The largest label file read, so a path such as /dev/zero fails instead of filling memory.
    public static let maxBytes = 256 << 20

    /// Reads the labels in the file at `path`. Pipes and process substitutions
    /// (`/dev/fd/63`) work as well as regular files. With `allowStandardInput`,
    /// the path `-` reads standard input.
    public static func read(path: String, allowStandardInput: Bool = false) throws -> [String] {
        if path == "-" && allowStandardInput {
            return try parse(try readAll(FileHandle.standardInput, path: "-"), path: "standard input")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReadError.unreadable(path: path)
        }
        if isDirectory.boolValue {
            throw ReadError.isFolder(path: path)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ReadError.unreadable(path: path)
        }
        defer { try? handle.close() }
        return try parse(try readAll(handle, path: path), path: path)
    }

    private static func readAll(_ handle: FileHandle, path: String) throws -> Data {
        var data = Data()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw ReadError.unreadable(path: path)
            }
            guard let chunk, !chunk.isEmpty else { return data }
            data.append(chunk)
            if data.count > maxBytes {
                throw ReadError.tooLarge(path: path, maxBytes: maxBytes)
            }
        }
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
