import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on 127.0.0.1 that serves the Fixtures/hub repositories
/// the way the Hugging Face Hub does, with faults that tests switch on:
///
/// - `GET /api/models/ORG/NAME/revision/REV`: JSON with "id", "sha" and "siblings".
/// - `HEAD|GET /ORG/NAME/resolve/REV/FILE`: for regular files 200 with the git
///   blob SHA-1 as ETag; for LFS files a 302 to `/cdn/ORG/NAME/SHA256` with
///   X-Linked-Etag and X-Linked-Size. Both send X-Repo-Commit.
/// - `GET /cdn/...`: the bytes, honouring `Range: bytes=N-` with 206.
/// - Errors carry X-Error-Code (RepoNotFound, RevisionNotFound, EntryNotFound,
///   GatedRepo) as the Hub sends it. Every response closes the connection.
/// - A renamed repository's old id gets a relative 307 to the new one.
final class LocalHubServer: @unchecked Sendable {
    struct FixtureFile {
        let size: Int
        let isLFS: Bool
        let etag: String
    }

    struct Repo {
        let commit: String
        let files: [String: FixtureFile]
    }

    struct LoggedRequest {
        let method: String
        let path: String
        let range: String?
        let authorization: String?
    }

    let folder: String
    let repos: [String: Repo]
    private(set) var port: UInt16 = 0

    // Faults and log, guarded by `lock`.
    private let lock = NSLock()
    /// Repositories that need `Authorization: Bearer <token>`; others' tokens get 403.
    private var requiredTokens: [String: String] = [:]
    /// Bytes sent of a file's body before the connection is cut, once per file.
    private var cutAfter: [String: Int] = [:]
    /// Files whose served bytes have one byte flipped.
    private var corrupted: Set<String> = []
    /// Seconds to wait before responding to a path that contains the key.
    private var delays: [String: Double] = [:]
    /// Statuses sent for a path that contains the key, one per request until the list is empty.
    private var injectedStatuses: [String: [Int]] = [:]
    private var requestLog: [LoggedRequest] = []
    /// Old repository ids that get a relative 307 to the new id, as the Hub sends after a rename.
    private var renamed: [String: String] = [:]
    /// Base URL of the server that LFS redirects point at, when it is another server.
    private var lfsBase: String?
    /// When set, range requests get the whole file with status 200.
    private var ignoresRanges = false
    /// When set, the CDN path redirects once more, to /cdn-node/..., before sending bytes.
    private var cdnRedirects = false
    /// X-Linked-Size values sent in place of the real size.
    private var linkedSizes: [String: Int] = [:]

    private var listener: Int32 = -1
    private var stopped = false
    private var acceptThreadDone = DispatchSemaphore(value: 0)
    private var connectionGroup = DispatchGroup()

    init(fixtures folder: String) throws {
        self.folder = folder
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json"))
        let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        var repos: [String: Repo] = [:]
        for (id, entry) in manifest {
            let files = try XCTUnwrap(entry["files"] as? [String: [String: Any]])
            repos[id] = Repo(
                commit: try XCTUnwrap(entry["commit"] as? String),
                files: try files.mapValues { file in
                    FixtureFile(size: try XCTUnwrap(file["size"] as? Int), isLFS: try XCTUnwrap(file["lfs"] as? Bool),
                                etag: try XCTUnwrap(file["etag"] as? String))
                })
        }
        self.repos = repos
    }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    // MARK: - Faults

    func requireToken(_ token: String, for repo: String) { locked { requiredTokens[repo] = token } }
    func cutConnection(of file: String, afterBytes count: Int) { locked { cutAfter[file] = count } }
    func corrupt(_ file: String) { locked { _ = corrupted.insert(file) } }
    func delay(pathContaining fragment: String, seconds: Double) { locked { delays[fragment] = seconds } }
    func inject(statuses: [Int], pathContaining fragment: String) { locked { injectedStatuses[fragment] = statuses } }
    func rename(_ old: String, to new: String) { locked { renamed[old] = new } }
    func redirectLFS(to base: String) { locked { lfsBase = base } }
    func ignoreRanges() { locked { ignoresRanges = true } }
    func redirectCDN() { locked { cdnRedirects = true } }
    func announce(size: Int, for file: String) { locked { linkedSizes[file] = size } }
    var requests: [LoggedRequest] { locked { requestLog } }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    // MARK: - Lifecycle

    /// Binds an ephemeral port on 127.0.0.1 and starts accepting.
    func start() throws {
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)

        let thread = Thread { [self] in
            acceptLoop()
            acceptThreadDone.signal()
        }
        thread.start()
    }

    /// Stops accepting, waits for the accept thread to leave `accept` before the
    /// listening descriptor is closed (so a reused descriptor number is never
    /// accepted on by a stale thread), then waits for open connections.
    func stop() {
        locked { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        acceptThreadDone.wait()
        close(listener)
        connectionGroup.wait()
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if locked({ stopped }) {
                if connection >= 0 { close(connection) }
                return
            }
            guard connection >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            connectionGroup.enter()
            Thread { [self] in
                handle(connection)
                close(connection)
                connectionGroup.leave()
            }.start()
        }
    }

    // MARK: - Requests

    private func handle(_ connection: Int32) {
        guard let (method, path, headers) = readRequest(connection) else { return }
        let logged = LoggedRequest(method: method, path: path, range: headers["range"], authorization: headers["authorization"])
        let (delay, injected) = locked { () -> (Double, Int?) in
            requestLog.append(logged)
            let delay = delays.first { path.contains($0.key) }?.value ?? 0
            var injected: Int?
            if let key = injectedStatuses.keys.first(where: { path.contains($0) }), var list = injectedStatuses[key], !list.isEmpty {
                injected = list.removeFirst()
                injectedStatuses[key] = list
            }
            return (delay, injected)
        }
        if delay > 0 {
            let deadline = Date().addingTimeInterval(delay)
            while Date() < deadline, !locked({ stopped }) { usleep(20_000) }
        }
        if let injected {
            return respond(connection, status: injected, headers: [:], body: Data("injected failure\n".utf8), method: method)
        }

        let parts = path.split(separator: "?").first.map(String.init) ?? path
        let segments = parts.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0.removingPercentEncoding ?? String($0) }
        if segments.count >= 4 {
            let first = segments[0] == "api" ? 2 : 0
            if let target = locked({ renamed[segments[first] + "/" + segments[first + 1]] }) {
                var moved = Array(segments)
                moved.replaceSubrange(first...(first + 1), with: target.split(separator: "/").map(String.init))
                return respond(connection, status: 307, headers: ["Location": "/" + moved.joined(separator: "/")], body: Data(), method: method)
            }
        }
        if segments.count == 6, segments[0] == "api", segments[1] == "models", segments[4] == "revision" {
            return serveInfo(connection, repoID: segments[2] + "/" + segments[3], revision: segments[5], headers: headers)
        }
        if segments.count >= 5, segments[2] == "resolve" {
            let file = segments[4...].joined(separator: "/")
            return serveResolve(connection, method: method, repoID: segments[0] + "/" + segments[1], revision: segments[3], file: file, headers: headers)
        }
        if segments.count == 4, segments[0] == "cdn", locked({ cdnRedirects }) {
            let node = "/cdn-node/" + segments[1...].joined(separator: "/")
            return respond(connection, status: 307, headers: ["Location": node], body: Data(), method: method)
        }
        if segments.count == 4, segments[0] == "cdn" || segments[0] == "cdn-node" {
            return serveCDN(connection, repoID: segments[1] + "/" + segments[2], etag: segments[3], headers: headers)
        }
        respond(connection, status: 404, headers: [:], body: Data("no route\n".utf8), method: method)
    }

    /// Returns the repository after the token check, or sends the error response itself.
    private func authorizedRepo(_ connection: Int32, repoID: String, headers: [String: String], method: String) -> Repo? {
        guard let repo = repos[repoID] else {
            respond(connection, status: 404, headers: ["X-Error-Code": "RepoNotFound"], body: Data("Repository not found".utf8), method: method)
            return nil
        }
        if let token = locked({ requiredTokens[repoID] }) {
            guard let given = headers["authorization"] else {
                respond(connection, status: 401, headers: ["X-Error-Code": "GatedRepo", "X-Error-Message": "Access to model \(repoID) is restricted"],
                        body: Data(), method: method)
                return nil
            }
            guard given == "Bearer \(token)" else {
                respond(connection, status: 403, headers: ["X-Error-Code": "GatedRepo", "X-Error-Message": "Access to model \(repoID) is restricted"],
                        body: Data(), method: method)
                return nil
            }
        }
        return repo
    }

    private func serveInfo(_ connection: Int32, repoID: String, revision: String, headers: [String: String]) {
        guard let repo = authorizedRepo(connection, repoID: repoID, headers: headers, method: "GET") else { return }
        guard revision == "main" || revision == repo.commit else {
            return respond(connection, status: 404, headers: ["X-Error-Code": "RevisionNotFound"], body: Data(), method: "GET")
        }
        let siblings = repo.files.keys.sorted().map { ["rfilename": $0] }
        let body = (try? JSONSerialization.data(withJSONObject: ["id": repoID, "sha": repo.commit, "siblings": siblings])) ?? Data()
        respond(connection, status: 200, headers: ["Content-Type": "application/json"], body: body, method: "GET")
    }

    private func serveResolve(_ connection: Int32, method: String, repoID: String, revision: String, file: String, headers: [String: String]) {
        guard let repo = authorizedRepo(connection, repoID: repoID, headers: headers, method: method) else { return }
        guard revision == "main" || revision == repo.commit else {
            return respond(connection, status: 404, headers: ["X-Error-Code": "RevisionNotFound"], body: Data(), method: method)
        }
        guard let info = repo.files[file] else {
            return respond(connection, status: 404, headers: ["X-Error-Code": "EntryNotFound", "X-Repo-Commit": repo.commit],
                           body: Data(), method: method)
        }
        if info.isLFS {
            let (base, size) = locked { (lfsBase ?? endpoint, linkedSizes[file] ?? info.size) }
            respond(connection, status: 302, headers: [
                "Location": "\(base)/cdn/\(repoID)/\(info.etag)", "X-Repo-Commit": repo.commit,
                "X-Linked-Etag": "\"\(info.etag)\"", "X-Linked-Size": "\(size)", "ETag": "\"pointer-etag\"",
            ], body: Data(), method: method)
            return
        }
        let body = content(repoID: repoID, file: file)
        respond(connection, status: 200, headers: ["ETag": "\"\(info.etag)\"", "X-Repo-Commit": repo.commit], body: body, method: method)
    }

    private func serveCDN(_ connection: Int32, repoID: String, etag: String, headers: [String: String]) {
        guard let repo = repos[repoID], let (file, _) = repo.files.first(where: { $0.value.etag == etag }) else {
            return respond(connection, status: 404, headers: [:], body: Data(), method: "GET")
        }
        let body = content(repoID: repoID, file: file)
        var start = 0
        if !locked({ ignoresRanges }), let range = headers["range"], range.hasPrefix("bytes="), range.hasSuffix("-"),
           let value = Int(range.dropFirst("bytes=".count).dropLast()) {
            start = value
            guard start < body.count else {
                return respond(connection, status: 416, headers: ["Content-Range": "bytes */\(body.count)"], body: Data(), method: "GET")
            }
        }
        let slice = body.subdata(in: start..<body.count)
        let status = start > 0 ? 206 : 200
        var responseHeaders = ["Accept-Ranges": "bytes"]
        if start > 0 { responseHeaders["Content-Range"] = "bytes \(start)-\(body.count - 1)/\(body.count)" }
        let cut = locked { cutAfter.removeValue(forKey: file) }
        respond(connection, status: status, headers: responseHeaders, body: slice, method: "GET", cutAfter: cut)
    }

    /// Returns the file's bytes as served, with one byte flipped when the test corrupts it.
    private func content(repoID: String, file: String) -> Data {
        var data = (try? Data(contentsOf: URL(fileURLWithPath: folder + "/" + repoID + "/" + file))) ?? Data()
        if locked({ corrupted.contains(file) }), !data.isEmpty {
            data[data.count / 2] ^= 0xFF
        }
        return data
    }

    // MARK: - Wire format

    private func readRequest(_ connection: Int32) -> (String, String, [String: String])? {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while buffer.count < 65536 {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            buffer += chunk[0..<count]
            if let text = String(bytes: buffer, encoding: .utf8), let end = text.range(of: "\r\n\r\n") {
                let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
                let requestLine = lines[0].split(separator: " ")
                guard requestLine.count >= 2 else { return nil }
                var headers: [String: String] = [:]
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                return (String(requestLine[0]), String(requestLine[1]), headers)
            }
        }
        return nil
    }

    private func respond(_ connection: Int32, status: Int, headers: [String: String], body: Data, method: String, cutAfter: Int? = nil) {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        send(connection, Data(head.utf8))
        guard method != "HEAD" else { return }
        if let cutAfter, cutAfter < body.count {
            send(connection, body.prefix(cutAfter))
            return  // Closing now leaves the body short of Content-Length, like a dropped connection.
        }
        send(connection, body)
    }

    private func send(_ connection: Int32, _ data: Data) {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = Glibc.send(connection, buffer.baseAddress.map { $0 + offset }, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return }
                offset += sent
            }
        }
    }

    private static func reason(_ status: Int) -> String {
        [200: "OK", 206: "Partial Content", 302: "Found", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
         416: "Range Not Satisfiable", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"][status] ?? "Status"
    }
}
