import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Metadata of one file from the Hub's resolve endpoint.
struct RemoteFile {
    /// The blob name: SHA-256 for LFS files, the git blob SHA-1 for others.
    let etag: String
    let size: Int64?
    /// Address of the bytes: the CDN address from a redirect, else the resolve URL.
    let downloadURL: URL
}

/// The Hub's HTTP endpoints, with retries and errors mapped to `HubError`.
/// Endpoints as huggingface_hub 2.4 uses them:
/// `GET /api/models/{repo}/revision/{revision}` returns JSON with "sha" and "siblings";
/// `HEAD /{repo}/resolve/{commit}/{file}` returns X-Repo-Commit and ETag, or for
/// LFS files a 302 to the CDN with X-Linked-Etag and X-Linked-Size.
struct HubClient {
    let settings: HubSettings
    /// Receives retry notices for standard error.
    var log: (String) -> Void = { _ in }

    // MARK: - Endpoints

    /// Returns the commit hash and file list of `repo` at `revision`.
    func repositoryInfo(_ repo: RepoID, revision: String) throws -> (commit: String, files: [String]) {
        var url = try endpointURL("api/models/\(repo)/revision/\(Self.encodeSegment(revision))")
        var response = try send(url: url, method: "GET", timeout: settings.metadataTimeout)
        // A renamed repository responds with a redirect to its new name on the same host.
        for _ in 0..<5 {
            guard (300..<400).contains(response.status), let location = sameHostLocation(response, from: url) else { break }
            url = location
            response = try send(url: url, method: "GET", timeout: settings.metadataTimeout)
        }
        try check(response, repo: repo, revision: revision, file: nil)

        guard let json = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
              let commit = json["sha"] as? String, isCommitHash(commit),
              let siblings = json["siblings"] as? [[String: Any]] else {
            throw HubError.invalidResponse(url: url.absoluteString, reason: "expected JSON with \"sha\" and \"siblings\"")
        }
        return (commit, siblings.compactMap { $0["rfilename"] as? String })
    }

    /// Returns the ETag, size and download address of `file` at `commit`.
    /// Follows redirects only within the endpoint's host (renamed repositories);
    /// a redirect elsewhere is the CDN address the bytes come from.
    func fileMetadata(_ repo: RepoID, commit: String, file: String) throws -> RemoteFile {
        let resolveURL = try endpointURL("\(repo)/resolve/\(commit)/\(Self.encodePath(file))")
        var url = resolveURL
        for _ in 0..<5 {
            let response = try send(url: url, method: "HEAD", timeout: settings.metadataTimeout)
            try check(response, repo: repo, revision: commit, file: file)

            let location = response.header("location").flatMap { URL(string: $0, relativeTo: url)?.absoluteURL }
            if (300..<400).contains(response.status), response.header("x-linked-etag") == nil,
               let sameHost = sameHostLocation(response, from: url) {
                url = sameHost
                continue
            }
            let isRedirect = (300..<400).contains(response.status)
            guard let etag = Self.normalizeETag(response.header("x-linked-etag") ?? response.header("etag")) else {
                throw HubError.invalidResponse(url: url.absoluteString, reason: "no ETag header for \(file)")
            }
            let sizeText = response.header("x-linked-size") ?? (isRedirect ? nil : response.header("content-length"))
            return RemoteFile(etag: etag, size: sizeText.flatMap { Int64($0) },
                              downloadURL: isRedirect ? (location ?? url) : url)
        }
        throw HubError.invalidResponse(url: resolveURL.absoluteString, reason: "too many redirects")
    }

    /// Downloads `remote` through `write`, continuing with a range request from
    /// the byte offset that `startingAt` returns (the partial file's size).
    /// Retries dropped connections, timeouts, 429 and 5xx, and follows up to 5
    /// further redirects (a CDN may send them) without the token. `restart`
    /// empties the file when the server ignores the range.
    func download(_ remote: RemoteFile, repo: RepoID, commit: String, file: String, startingAt offset: () -> Int64,
                  restart: @escaping () throws -> Void, write: @escaping (Data) throws -> Void) throws {
        var attempt = 0
        var redirects = 0
        var url = remote.downloadURL
        while true {
            let start = offset()
            var request = URLRequest(url: url)
            request.httpMethod = "GET"
            request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
            if start > 0 { request.setValue("bytes=\(start)-", forHTTPHeaderField: "Range") }
            authorize(&request)

            let outcome: Result<HTTPResponse, TransferFailure>
            do {
                let transfer = HTTPTransfer(request: request, idleTimeout: settings.downloadIdleTimeout, onResponse: { response in
                    if response.statusCode == 200, start > 0 {
                        // The server ignored the range and sends the whole file, so begin again from empty.
                        try restart()
                    } else if response.statusCode == 206 {
                        let range = response.allHeaderFields.first { ($0.key as? String)?.lowercased() == "content-range" }?.value as? String ?? ""
                        guard range.hasPrefix("bytes \(start)-") else {
                            throw HubError.invalidResponse(url: url.absoluteString, reason: "requested bytes from \(start) but got Content-Range '\(range)'")
                        }
                    }
                }, sink: write)
                outcome = .success(try transfer.run())
            } catch let failure as TransferFailure {
                outcome = .failure(failure)
            }

            switch outcome {
            case .success(let response) where (300..<400).contains(response.status) && response.header("location") != nil:
                guard redirects < 5, let text = response.header("location"), let next = URL(string: text, relativeTo: url)?.absoluteURL else {
                    throw HubError.invalidResponse(url: url.absoluteString, reason: "too many or invalid redirects")
                }
                redirects += 1
                url = next
            case .success(let response) where response.status == 206 || response.status == 200:
                if let expected = remote.size, offset() < expected {
                    try retryOrThrow(&attempt, file: file, reason: "connection closed after \(offset()) of \(expected) bytes",
                                     error: HubError.transport(url: url.absoluteString, reason: "connection closed early"))
                    continue
                }
                return
            case .success(let response) where response.status == 416:
                try restart()
                try retryOrThrow(&attempt, file: file, reason: "the server rejected the range; starting over",
                                 error: HubError.http(status: 416, url: url.absoluteString, message: "range not satisfiable"))
            case .success(let response) where response.status == 429 || response.status >= 500:
                try retryOrThrow(&attempt, file: file, reason: "HTTP \(response.status)",
                                 error: HubError.http(status: response.status, url: url.absoluteString, message: Self.message(response)),
                                 retryAfter: response.header("retry-after").flatMap(Double.init))
            case .success(let response):
                try check(response, repo: repo, revision: commit, file: file)
                throw HubError.http(status: response.status, url: url.absoluteString, message: Self.message(response))
            case .failure(.sink(let error)):
                throw error
            case .failure(.timedOut):
                try retryOrThrow(&attempt, file: file, reason: "no data for \(HubError.format(settings.downloadIdleTimeout)) s",
                                 error: HubError.timedOut(url: url.absoluteString, seconds: settings.downloadIdleTimeout))
            case .failure(.connection(let reason)):
                try retryOrThrow(&attempt, file: file, reason: reason,
                                 error: HubError.transport(url: url.absoluteString, reason: reason))
            }
        }
    }

    // MARK: - Requests

    /// Sends a request with retries for timeouts, dropped connections, 429 and 5xx.
    private func send(url: URL, method: String, timeout: Double) throws -> HTTPResponse {
        var attempt = 0
        while true {
            var request = URLRequest(url: url)
            request.httpMethod = method
            request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
            authorize(&request)
            do {
                let response = try HTTPTransfer(request: request, idleTimeout: timeout).run()
                if response.status == 429 || response.status >= 500 {
                    try retryOrThrow(&attempt, file: url.path, reason: "HTTP \(response.status)",
                                     error: HubError.http(status: response.status, url: url.absoluteString, message: Self.message(response)),
                                     retryAfter: response.header("retry-after").flatMap(Double.init))
                    continue
                }
                return response
            } catch TransferFailure.timedOut {
                try retryOrThrow(&attempt, file: url.path, reason: "timed out after \(HubError.format(timeout)) s",
                                 error: HubError.timedOut(url: url.absoluteString, seconds: timeout))
            } catch TransferFailure.connection(let reason) {
                try retryOrThrow(&attempt, file: url.path, reason: reason, error: HubError.transport(url: url.absoluteString, reason: reason))
            }
        }
    }

    /// Sleeps before the next attempt, or throws `error` once the retries are used up.
    /// A Retry-After value is honoured up to 60 seconds.
    private func retryOrThrow(_ attempt: inout Int, file: String, reason: String, error: HubError, retryAfter: Double? = nil) throws {
        guard attempt < settings.retryDelays.count else { throw error }
        let delay = min(max(retryAfter ?? 0, settings.retryDelays[attempt]), 60)
        attempt += 1
        log("\(file): \(reason); retry \(attempt) of \(settings.retryDelays.count) in \(String(format: "%.1f", delay)) s")
        Thread.sleep(forTimeInterval: delay)
    }

    /// Adds the token only for the Hub's own host, never for a CDN it redirects to.
    private func authorize(_ request: inout URLRequest) {
        guard let token = settings.token, request.url?.host == settings.endpoint.host,
              request.url?.port == settings.endpoint.port else { return }
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    }

    /// Maps error statuses to `HubError`, using the Hub's X-Error-Code header when present.
    private func check(_ response: HTTPResponse, repo: RepoID, revision: String, file: String?) throws {
        guard response.status >= 400 else { return }
        let url = response.url.absoluteString
        switch (response.status, response.header("x-error-code")) {
        case (_, "RevisionNotFound"):
            throw HubError.revisionNotFound(repoID: repo.description, revision: revision)
        case (_, "EntryNotFound"):
            throw HubError.fileNotFound(repoID: repo.description, file: file ?? "", revision: revision)
        case (401, _):
            throw HubError.unauthorized(repoID: repo.description, url: url)
        case (403, _):
            throw HubError.forbidden(repoID: repo.description, url: url)
        case (404, let code):
            if code == "RepoNotFound" || file == nil { throw HubError.repositoryNotFound(repoID: repo.description) }
            throw HubError.fileNotFound(repoID: repo.description, file: file ?? "", revision: revision)
        default:
            throw HubError.http(status: response.status, url: url, message: Self.message(response))
        }
    }

    // MARK: - Helpers

    /// Returns a redirect's target when it stays on the endpoint's host and port.
    private func sameHostLocation(_ response: HTTPResponse, from url: URL) -> URL? {
        guard let text = response.header("location"), let location = URL(string: text, relativeTo: url)?.absoluteURL,
              location.host == settings.endpoint.host, location.port == settings.endpoint.port else { return nil }
        return location
    }

    private func endpointURL(_ path: String) throws -> URL {
        guard let url = URL(string: settings.endpoint.absoluteString + "/" + path) else {
            throw HubError.invalidEndpoint(settings.endpoint.absoluteString)
        }
        return url
    }

    /// Returns the Hub's error message: X-Error-Message, else the first line of the body.
    private static func message(_ response: HTTPResponse) -> String {
        if let message = response.header("x-error-message") { return message }
        let text = String(decoding: response.body.prefix(200), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    }

    /// Strips the quotes and weak-validator prefix from an ETag header value.
    static func normalizeETag(_ value: String?) -> String? {
        guard var text = value?.trimmingCharacters(in: .whitespaces) else { return nil }
        if text.hasPrefix("W/") { text.removeFirst(2) }
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        // The ETag becomes a file name in blobs/, so it must not carry a path.
        guard !text.isEmpty, !text.contains("/"), text != ".", text != ".." else { return nil }
        return text
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    /// Percent-encodes a revision as one path segment, so "refs/pr/1" becomes "refs%2Fpr%2F1".
    static func encodeSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// Percent-encodes each segment of a file path in the repository.
    static func encodePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { encodeSegment(String($0)) }.joined(separator: "/")
    }
}
