import CMSAPI
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A small client of the `cmsd` HTTP API (docs/api.md) over URLSession. Failures are ``CLIFailure``s
/// naming the URL, the token option or the API's own message.
struct APIClient: Sendable {
    let server: String
    let token: String
    /// Where the token came from (`--token`, `--token-file F`, `CMS_TOKEN`), for 401 messages.
    let tokenSource: String
    let timeout: TimeInterval

    /// The URL of an API path (segments are percent-encoded) with a query.
    func url(_ segments: [String], query: [(String, String)] = []) -> String {
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        var text = base + "/api/v1/" + segments.map(Self.encode).joined(separator: "/")
        if !query.isEmpty {
            text += "?" + query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        }
        return text
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// Sends a request; returns the body of a 2xx answer, or fails with a message for the operator.
    func send(
        _ method: String, _ segments: [String], query: [(String, String)] = [], accept: String = "application/json",
        body: Data? = nil
    ) async throws(CLIFailure) -> Data {
        let text = url(segments, query: query)
        guard let url = URL(string: text) else { throw CLIFailure("cannot build a URL from \(text)") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue(accept, forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw unreachable(error)
        }
        guard let http = response as? HTTPURLResponse else {
            throw CLIFailure("\(server) did not answer over HTTP")
        }
        guard !(200..<300).contains(http.statusCode) else { return data }
        throw await failure(status: http.statusCode, body: data, segments: segments)
    }

    /// ``failure(status:body:)`` and, for every command that names a device or a group, an unknown one answered
    /// with the closest names the tenant has (did you mean …?).
    func failure(status: Int, body: Data, segments: [String]) async -> CLIFailure {
        let failure = failure(status: status, body: body)
        guard status == 404, segments.count > 1, segments[0] == "tenants",
            let unknown = try? JSONDecoder().decode(APIError.self, from: body)
        else { return failure }
        return await DidYouMean.unknownName(unknown, failure: failure, client: self, tenant: segments[1])
    }

    /// GET and decode JSON.
    func get<T: Decodable>(_ segments: [String], query: [(String, String)] = []) async throws(CLIFailure) -> T {
        try decode(try await send("GET", segments, query: query))
    }

    /// POST (no body) and decode JSON.
    func post<T: Decodable>(_ segments: [String]) async throws(CLIFailure) -> T {
        try decode(try await send("POST", segments))
    }

    func decode<T: Decodable>(_ data: Data) throws(CLIFailure) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw CLIFailure(
                "the answer of \(server) is not what this cms expects (\(error)); are cms and cmsd the same version?")
        }
    }

    func unreachable(_ error: any Error) -> CLIFailure {
        let reason: String
        if let urlError = error as? URLError {
            switch urlError.code {
            case .cannotConnectToHost: reason = "connection refused"
            case .timedOut: reason = "no answer within \(Int(timeout)) s (--timeout)"
            case .cannotFindHost: reason = "unknown host"
            case .networkConnectionLost: reason = "the connection was closed"
            default: reason = urlError.localizedDescription
            }
        } else {
            reason = "\(error)"
        }
        return CLIFailure(
            """
            cannot reach cmsd at \(server) (\(reason)).
              Is cmsd running? Start it (see `cmsd --help` and docs/api.md), or point --server / CMS_SERVER at it.
            """)
    }

    func failure(status: Int, body: Data) -> CLIFailure {
        guard let error = try? JSONDecoder().decode(APIError.self, from: body) else {
            let text = String(decoding: body.prefix(200), as: UTF8.self)
            return CLIFailure("\(server) answered HTTP \(status)\(text.isEmpty ? "" : ": \(text)")")
        }
        switch status {
        case 401:
            return CLIFailure(
                "cmsd refused the token from \(tokenSource): \(error.message)\n"
                    + "  Give a valid API token with --token-file FILE, --token TOKEN or CMS_TOKEN.")
        case 403:
            return CLIFailure(
                "\(error.message)\n  Choose a tenant the token grants with --tenant CODE (or CMS_TENANT).")
        default:
            return CLIFailure(error.message, httpStatus: status)
        }
    }
}
