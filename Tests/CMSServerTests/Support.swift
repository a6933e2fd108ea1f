import CMSAPI
import CMSServer
import Foundation
import Hummingbird
import Logging
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The bearer tokens every test server accepts.
enum Tokens {
    static let acme = "acme-token-6f1d2c9e8b7a"
    static let globex = "globex-token-1a2b3c4d5e6f"
    static let ops = "ops-token-9z8y7x6w5v4u"
    static let ghost = "ghost-token-000011112222"
    static let readOnly = "viewer-token-5k4j3h2g1f0e"

    static let all: [String: TokenGrant] = [
        acme: TokenGrant(name: "acme-ci", tenants: ["acme"]),
        globex: TokenGrant(name: "globex-ops", tenants: ["globex"]),
        ops: TokenGrant(name: "ops"),
        ghost: TokenGrant(name: "ghost", tenants: ["ghost"]),
        readOnly: TokenGrant(name: "acme-viewer", tenants: ["acme"], readOnly: true),
    ]
}

/// Log lines captured from the server (to check what is, and is not, logged).
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    func logger() -> Logger {
        var logger = Logger(label: "cms.api.test") { _ in CaptureHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) { lock.withLock { lines.append(line) } }
}

private struct CaptureHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.append("\(event.level) \(event.message) \(all.sorted { $0.key < $1.key })")
    }
}

/// One running API server on 127.0.0.1 (a port chosen by the kernel) over a fresh fake control plane.
struct TestServer {
    let port: Int
    let fake: FakeControlPlane
    let logs: LogCapture
    /// The server's connection counters.
    let connections: APIConnections

    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts the server, runs `body`, stops the server.
    static func with<T: Sendable>(
        limits: APIConnectionLimits = APIConnectionLimits(),
        controlPlane wrap: (FakeControlPlane) -> any ControlPlane = { $0 },
        _ body: (TestServer) async throws -> T
    ) async throws -> T {
        let fake = FakeControlPlane()
        let logs = LogCapture()
        let connections = APIConnections(maxConnections: limits.maxConnections)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = APIServer.make(
            controlPlane: wrap(fake),
            configuration: APIServerConfiguration(host: "127.0.0.1", port: 0, tokens: Tokens.all, limits: limits),
            logger: logs.logger(), connections: connections,
            onServerRunning: { port in continuation.yield(port) })
        return try await APIServer.serving(app, logger: logs.logger()) {
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw TestFailure("the server did not start") }
            return try await body(TestServer(port: port, fake: fake, logs: logs, connections: connections))
        }
    }

    /// A real GET over loopback.
    func request(_ path: String, token: String? = nil, headers: [String: String] = [:]) async throws -> HTTPResult {
        try await request("GET", path, token: token, headers: headers)
    }

    /// A real HTTP request over loopback.
    func request(
        _ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:], body: Data? = nil
    ) async throws -> HTTPResult {
        guard let url = URL(string: base + path) else { throw TestFailure("bad URL \(path)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        request.httpBody = body
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw TestFailure("not an HTTP response") }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            fields[String(describing: name).lowercased()] = String(describing: value)
        }
        // The contract hook: every answer a test gets must keep schemas/openapi.yaml (ContractCheck).
        let violations = try await ContractCheck.shared.violations(
            method: method, path: path, status: http.statusCode, contentType: fields["content-type"], body: data)
        if !violations.isEmpty {
            throw TestFailure("the answer breaks schemas/openapi.yaml:\n" + violations.joined(separator: "\n"))
        }
        return HTTPResult(status: http.statusCode, headers: fields, body: data)
    }
}

/// A response as the test saw it.
struct HTTPResult {
    var status: Int
    /// Lower-cased names.
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    func decode<T: Decodable>(_: T.Type = T.self) throws -> T { try JSONDecoder().decode(T.self, from: body) }

    /// The APIError of an error response.
    func apiError() throws -> APIError { try decode(APIError.self) }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
