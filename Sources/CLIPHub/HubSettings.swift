import Foundation

/// Cache location and Hub address, read from the same environment variables
/// as huggingface_hub, so both programs share one cache.
public struct HubSettings: Sendable {
    /// The Hub's base URL without a trailing slash (HF_ENDPOINT, default https://huggingface.co).
    public var endpoint: URL
    /// The hub cache folder (HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub).
    public var cacheDirectory: String
    /// Access token from HF_TOKEN, else the file HF_TOKEN_PATH or $HF_HOME/token names. Never printed.
    public var token: String?
    /// HF_HUB_OFFLINE set to 1, true, yes or on: no network requests at all.
    public var isOffline: Bool

    /// Seconds to wait for the metadata and HEAD requests (HF_HUB_ETAG_TIMEOUT, default 10 as in huggingface_hub).
    public var metadataTimeout: Double = 10
    /// Seconds a file download may go without receiving any bytes before it is retried (HF_HUB_DOWNLOAD_TIMEOUT).
    public var downloadIdleTimeout: Double = 60
    /// Delays before each retry of a 429, a 5xx, a dropped connection or a timeout; the count bounds the retries.
    public var retryDelays: [Double] = [1, 2, 4, 8]

    public init(endpoint: URL, cacheDirectory: String, token: String?, isOffline: Bool) {
        self.endpoint = endpoint
        self.cacheDirectory = cacheDirectory
        self.token = token
        self.isOffline = isOffline
    }

    public static let defaultEndpoint = "https://huggingface.co"

    /// Reads the settings from `environment` (the process environment by default).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> HubSettings {
        let endpoint = try parseEndpoint(environment["HF_ENDPOINT"])
        let home = homeDirectory(environment)
        let offline = ["1", "true", "yes", "on"].contains((environment["HF_HUB_OFFLINE"] ?? "").lowercased())

        var token = nonEmpty(environment["HF_TOKEN"])
        if token == nil {
            let tokenPath = nonEmpty(environment["HF_TOKEN_PATH"]) ?? home + "/token"
            if let text = try? String(contentsOfFile: tokenPath, encoding: .utf8) {
                token = nonEmpty(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        var settings = HubSettings(endpoint: endpoint, cacheDirectory: cacheDirectory(environment), token: token, isOffline: offline)
        if let seconds = try parseTimeout(environment, "HF_HUB_ETAG_TIMEOUT") { settings.metadataTimeout = seconds }
        if let seconds = try parseTimeout(environment, "HF_HUB_DOWNLOAD_TIMEOUT") { settings.downloadIdleTimeout = seconds }
        return settings
    }

    /// The largest timeout accepted, one day in seconds.
    static let maxTimeout: Double = 86_400

    /// Reads a timeout in seconds from the variable huggingface_hub uses for it.
    /// Unset or empty keeps the default. Values under 1 s become 1 s, because
    /// with FoundationNetworking in Swift 6.3 on Linux a timeout of 0.5 s
    /// behaved as no wait at all and every request failed at once.
    static func parseTimeout(_ environment: [String: String], _ variable: String) throws -> Double? {
        guard let text = nonEmpty(environment[variable]?.trimmingCharacters(in: .whitespaces)) else { return nil }
        guard let seconds = Double(text), seconds > 0, seconds <= maxTimeout else {
            throw HubError.invalidTimeout(variable: variable, value: text)
        }
        return max(seconds, 1)
    }

    /// Returns the hub cache folder alone, for reading the cache without the Hub's address.
    public static func cacheDirectory(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        expandTilde(nonEmpty(environment["HF_HUB_CACHE"]) ?? homeDirectory(environment) + "/hub")
    }

    private static func homeDirectory(_ environment: [String: String]) -> String {
        expandTilde(nonEmpty(environment["HF_HOME"])
            ?? nonEmpty(environment["XDG_CACHE_HOME"]).map { $0 + "/huggingface" }
            ?? NSHomeDirectory() + "/.cache/huggingface")
    }

    /// HF_ENDPOINT unset means the public Hub. Set but empty, or not an absolute
    /// http(s) URL with a host, is an error: the client must not silently use another host.
    static func parseEndpoint(_ value: String?) throws -> URL {
        guard let value else {
            guard let url = URL(string: defaultEndpoint) else { throw HubError.invalidEndpoint(defaultEndpoint) }
            return url
        }
        var text = value.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        guard !text.isEmpty, let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil, components.user == nil,
              let url = components.url else {
            throw HubError.invalidEndpoint(value)
        }
        return url
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    private static func expandTilde(_ path: String) -> String {
        path.hasPrefix("~/") ? NSHomeDirectory() + path.dropFirst(1) : path
    }
}
