import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP response: status, headers with lowercase names, and the body when
/// it was kept in memory (error bodies and metadata, never file downloads).
struct HTTPResponse {
    let status: Int
    let headers: [String: String]
    let body: Data
    let url: URL

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Failures below HTTP: the request never produced a complete response.
enum TransferFailure: Error {
    case timedOut
    /// The connection dropped or could not be made; worth retrying.
    case connection(String)
    /// The body sink threw (a full disk, for example); not retried.
    case sink(Error)
}

/// Runs one HTTP request on URLSession (FoundationNetworking, which uses
/// libcurl on Linux) and waits for it. Redirects are never followed here, so
/// the caller sees every 3xx and decides where an Authorization header may go.
/// A 2xx body goes to `sink` as it arrives; other bodies are kept, up to 64 KiB.
final class HTTPTransfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let request: URLRequest
    private let idleTimeout: Double
    private let sink: ((Data) throws -> Void)?
    private let onResponse: ((HTTPURLResponse) throws -> Void)?
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()

    private var response: HTTPURLResponse?
    private var body = Data()
    private var failure: TransferFailure?

    /// Builds a transfer; `idleTimeout` is the seconds allowed without any received bytes.
    /// `onResponse` receives the status and headers before the first body byte reaches `sink`.
    init(request: URLRequest, idleTimeout: Double, onResponse: ((HTTPURLResponse) throws -> Void)? = nil,
         sink: ((Data) throws -> Void)? = nil) {
        self.request = request
        self.idleTimeout = idleTimeout
        self.onResponse = onResponse
        self.sink = sink
    }

    /// Sends the request and blocks until the response ends or fails.
    func run() throws -> HTTPResponse {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = idleTimeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpShouldSetCookies = false
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }

        session.dataTask(with: request).resume()
        done.wait()

        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
        guard let response, let url = response.url ?? request.url else {
            throw TransferFailure.connection("no HTTP response")
        }
        var headers: [String: String] = [:]
        for (key, value) in response.allHeaderFields {
            if let name = key as? String, let text = value as? String { headers[name.lowercased()] = text }
        }
        return HTTPResponse(status: response.statusCode, headers: headers, body: body, url: url)
    }

    // MARK: - URLSessionDataDelegate

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.lock()
        let http = response as? HTTPURLResponse
        self.response = http
        if let http, let onResponse {
            do {
                try onResponse(http)
            } catch {
                failure = .sink(error)
            }
        }
        let disposition: URLSession.ResponseDisposition = failure == nil ? .allow : .cancel
        lock.unlock()
        completionHandler(disposition)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        defer { lock.unlock() }
        guard failure == nil else { return }
        let status = response?.statusCode ?? 0
        if (200..<300).contains(status), let sink {
            do {
                try sink(data)
            } catch {
                failure = .sink(error)
                dataTask.cancel()
            }
        } else if body.count < 65536 {
            body.append(data.prefix(65536 - body.count))
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        if failure == nil, let error {
            let code = (error as? URLError)?.code
            failure = code == .timedOut ? .timedOut : .connection(error.localizedDescription)
        }
        lock.unlock()
        done.signal()
    }
}
