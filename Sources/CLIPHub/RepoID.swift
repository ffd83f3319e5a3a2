import Foundation

/// A model repository id, `ORG/NAME`, checked with the rules of huggingface_hub
/// 2.4's `validate_repo_id`. Each part is 1 to 96 letters, digits, `-`, `_` or
/// `.`, does not start or end with `-` or `.`, and contains no `--` or `..`.
/// The owner is required here because every CLIP repository has one.
public struct RepoID: Sendable, Hashable, CustomStringConvertible {
    public let owner: String
    public let name: String

    public var description: String { owner + "/" + name }

    /// The cache folder name, `models--ORG--NAME`.
    public var cacheFolderName: String { "models--" + owner + "--" + name }

    /// Prefixes that other tools put before an id and that are dropped:
    /// open_clip's `hf-hub:` and the Hub's web address, as pasted from a browser.
    static let acceptedPrefixes = ["hf-hub:", "https://huggingface.co/", "http://huggingface.co/"]

    public init(_ text: String) throws {
        var id = Substring(text)
        if let prefix = Self.acceptedPrefixes.first(where: { text.hasPrefix($0) }) {
            id = id.dropFirst(prefix.count)
            // Browsers often copy the address with a trailing slash.
            if prefix.hasPrefix("http"), id.hasSuffix("/") {
                id = id.dropLast()
            }
        }
        let parts = id.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, parts.allSatisfy(Self.isValidPart) else { throw HubError.invalidRepoID(text) }
        owner = parts[0]
        name = parts[1]
    }

    /// True when `text` has the shape of a repository id, used to tell ids from paths.
    public static func looksLikeRepoID(_ text: String) -> Bool {
        (try? RepoID(text)) != nil
    }

    /// True when `text` starts the way only an id does (`hf-hub:` or the Hub's
    /// address), so an invalid one is reported as an id, not as a missing file.
    public static func hasIDPrefix(_ text: String) -> Bool {
        acceptedPrefixes.contains { text.hasPrefix($0) }
    }

    private static func isValidPart(_ part: String) -> Bool {
        guard (1...96).contains(part.count), !part.contains("--"), !part.contains("..") else { return false }
        guard let first = part.first, let last = part.last, !"-.".contains(first), !"-.".contains(last) else { return false }
        return part.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-_.".unicodeScalars.contains(scalar))
        }
    }
}

/// Checks a revision (branch, tag, `refs/pr/N` or commit hash) before it is used in a URL and a cache path.
func validateRevision(_ revision: String) throws {
    let parts = revision.split(separator: "/", omittingEmptySubsequences: false)
    guard !revision.isEmpty, revision.count <= 256,
          parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
          revision.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" }) else {
        throw HubError.invalidRevision(revision)
    }
}

/// True for a full 40-digit lowercase hexadecimal commit hash.
func isCommitHash(_ text: String) -> Bool {
    text.count == 40 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
}
