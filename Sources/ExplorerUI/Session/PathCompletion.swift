import Foundation

/// Returns the completions of a partial path: the entries of its folder
/// that start with its last component, folders ending in `/`, sorted.
/// Hidden entries appear only when the partial name starts with a dot.
public func pathCompletions(_ partial: String, fileManager: FileManager = .default) -> [String] {
    let folderPart: String
    let namePrefix: String
    if let slash = partial.lastIndex(of: "/") {
        folderPart = String(partial[...slash])
        namePrefix = String(partial[partial.index(after: slash)...])
    } else {
        folderPart = ""
        namePrefix = partial
    }
    var folder = folderPart.isEmpty ? "." : folderPart
    if folder.hasPrefix("~") { folder = NSHomeDirectory() + folder.dropFirst() }

    guard let entries = try? fileManager.contentsOfDirectory(atPath: folder) else { return [] }
    var matches: [String] = []
    for entry in entries where entry.hasPrefix(namePrefix) {
        if entry.hasPrefix("."), !namePrefix.hasPrefix(".") { continue }
        var isDirectory: ObjCBool = false
        _ = fileManager.fileExists(atPath: (folder as NSString).appendingPathComponent(entry), isDirectory: &isDirectory)
        matches.append(folderPart + entry + (isDirectory.boolValue ? "/" : ""))
    }
    return matches.sorted()
}

/// Returns the longest common prefix of `strings`, by character.
func commonPrefix(_ strings: [String]) -> String {
    guard var prefix = strings.first else { return "" }
    for string in strings.dropFirst() {
        while !string.hasPrefix(prefix) { prefix.removeLast() }
    }
    return prefix
}

extension ExplorerSession {
    /// Completes the argument of a path-taking command (Tab on the command line).
    func completeCommandLine() {
        let line = state.command.text
        let commands = ["image", "model", "save", "theme", "labels-file"]
        guard let space = line.firstIndex(of: " "), commands.contains(String(line[..<space])) else {
            let matches = ["vocab", "id", "pad", "ws", "theme", "image", "whole", "labels", "labels-file", "label", "template", "model", "save", "help", "q"].filter { $0.hasPrefix(line) }
            if matches.count == 1 { state.command.setText(matches[0] + " ") }
            else if !matches.isEmpty { state.message = StatusMessage(matches.joined(separator: "  ")) }
            return
        }
        let command = String(line[..<space])
        let partial = line[line.index(after: space)...].trimmingCharacters(in: .whitespaces)

        let matches: [String]
        if command == "theme" {
            matches = themes.names().filter { $0.hasPrefix(partial) }
        } else {
            matches = pathCompletions(partial)
        }
        guard !matches.isEmpty else {
            state.message = StatusMessage("no match for '\(partial)'", isError: true)
            return
        }
        let completed = matches.count == 1 ? matches[0] : commonPrefix(matches)
        state.command.setText(command + " " + completed)
        if matches.count > 1 {
            let names = matches.map { $0.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? $0 }
            state.message = StatusMessage(names.prefix(20).joined(separator: "  ") + (matches.count > 20 ? "  … \(matches.count) in all" : ""))
        }
    }
}
