import Foundation

/// Errors from the Hugging Face Hub client and the local cache. Each case
/// carries the repository, file or value involved, and its message names the next step.
public enum HubError: LocalizedError, Equatable {
    case invalidRepoID(String)
    case invalidRevision(String)
    /// HF_ENDPOINT is set but empty or not an http(s) URL; the client never falls back to huggingface.co then.
    case invalidEndpoint(String)
    /// A timeout variable (HF_HUB_ETAG_TIMEOUT, HF_HUB_DOWNLOAD_TIMEOUT) is not a number of seconds from 0 to 86400.
    case invalidTimeout(variable: String, value: String)
    case unauthorized(repoID: String, url: String)
    case forbidden(repoID: String, url: String)
    case repositoryNotFound(repoID: String)
    case revisionNotFound(repoID: String, revision: String)
    case fileNotFound(repoID: String, file: String, revision: String)
    case timedOut(url: String, seconds: Double)
    case http(status: Int, url: String, message: String)
    case transport(url: String, reason: String)
    case invalidResponse(url: String, reason: String)
    case verificationFailed(file: String, algorithm: String, expected: String, found: String)
    case diskFull(path: String, needed: Int64?)
    case fileSystem(path: String, reason: String)
    case noWeights(repoID: String, lookedFor: [String])
    case offline(repoID: String, revision: String)
    case notCached(repoID: String, command: String)

    public var errorDescription: String? {
        switch self {
        case .invalidRepoID(let id):
            return "invalid repository id '\(id)': expected ORG/NAME, such as openai/clip-vit-base-patch32"
        case .invalidRevision(let revision):
            return "invalid revision '\(revision)': expected a branch, tag or commit hash"
        case .invalidEndpoint(let value):
            return "invalid HF_ENDPOINT '\(value)': expected an http:// or https:// URL such as https://huggingface.co, or unset it"
        case .invalidTimeout(let variable, let value):
            return "invalid \(variable) '\(value)': expected a positive number of seconds up to 86400, such as 30, or unset it"
        case .unauthorized(let repoID, let url):
            return "\(repoID) requires authentication (HTTP 401 from \(url)): the repository is private or gated, or does not exist; set HF_TOKEN to an access token that can read it"
        case .forbidden(let repoID, let url):
            return "access to \(repoID) was denied (HTTP 403 from \(url)): the repository is gated; accept its terms on the Hub and set HF_TOKEN to a token of that account"
        case .repositoryNotFound(let repoID):
            return "repository \(repoID) not found on the Hub; check the id (for example openai/clip-vit-base-patch32)"
        case .revisionNotFound(let repoID, let revision):
            return "revision '\(revision)' not found in \(repoID); check the branch, tag or commit hash"
        case .fileNotFound(let repoID, let file, let revision):
            return "file \(file) not found in \(repoID) at revision \(revision)"
        case .timedOut(let url, let seconds):
            return "request to \(url) timed out after \(Self.format(seconds)) s; check the network or HF_ENDPOINT, then run the command again (downloads resume)"
        case .http(let status, let url, let message):
            return "HTTP \(status) from \(url)" + (message.isEmpty ? "" : ": \(message)")
        case .transport(let url, let reason):
            return "request to \(url) failed: \(reason); check the network connection and HF_ENDPOINT, then run the command again (downloads resume)"
        case .invalidResponse(let url, let reason):
            return "unexpected response from \(url): \(reason); check that HF_ENDPOINT points at a Hugging Face Hub"
        case .verificationFailed(let file, let algorithm, let expected, let found):
            return "\(file) failed verification: \(algorithm) is \(found), the Hub lists \(expected); the partial file was deleted, run the command again"
        case .diskFull(let path, let needed):
            let amount = needed.map { " (\(ByteCountText.format($0)) needed)" } ?? ""
            return "not enough disk space for \(path)\(amount); free space or set HF_HOME to a larger disk"
        case .fileSystem(let path, let reason):
            return "\(path): \(reason)"
        case .noWeights(let repoID, let lookedFor):
            return "\(repoID) has no CLIP weights this program can load; looked for \(lookedFor.joined(separator: ", "))"
        case .offline(let repoID, let revision):
            return "\(repoID) at revision \(revision) is not in the cache and HF_HUB_OFFLINE is set; unset HF_HUB_OFFLINE to download it"
        case .notCached(let repoID, let command):
            return "\(repoID) is not a local file or folder, and that repository is not in the Hugging Face cache; download it with: \(command)"
        }
    }

    /// Formats seconds as a whole number when it is one, else with one decimal.
    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}

/// Human-readable byte counts in decimal units, as the Hub's web pages show them.
public enum ByteCountText {
    public static func format(_ bytes: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}
