import ArgumentParser
import Foundation

/// What every command over the `cmsd` API needs: where the server is, the bearer token, the tenant.
struct APIOptions: ParsableArguments {
    static let defaultServer = "http://127.0.0.1:8610"

    @Option(help: "The cmsd API URL (env CMS_SERVER; default \(APIOptions.defaultServer)).")
    var server: String?

    @Option(help: "The API bearer token (env CMS_TOKEN). Prefer --token-file: arguments show in `ps`.")
    var token: String?

    @Option(help: "A file whose first line is the API bearer token.")
    var tokenFile: String?

    @Option(help: "The tenant code (env CMS_TENANT; default: the only tenant the token grants).")
    var tenant: String?

    @Option(help: "Seconds to wait for the server's answer.")
    var timeout: Int = 120

    func validate() throws {
        if token != nil && tokenFile != nil {
            throw ValidationError("give either --token or --token-file, not both")
        }
        if timeout < 1 {
            throw ValidationError("--timeout must be at least 1 second")
        }
    }

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// A client for the server, with the token from --token, --token-file or CMS_TOKEN.
    func client() throws(CLIFailure) -> APIClient {
        let serverText = server ?? environment["CMS_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultServer
        guard let url = URL(string: serverText), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            url.host != nil
        else {
            throw CLIFailure(
                "the server URL '\(serverText)' is not valid; give --server http://HOST:PORT (or set CMS_SERVER)")
        }
        let (secret, source) = try tokenAndSource()
        return APIClient(server: serverText, token: secret, tokenSource: source, timeout: TimeInterval(timeout))
    }

    private func tokenAndSource() throws(CLIFailure) -> (String, String) {
        if let token {
            guard !token.isEmpty else { throw CLIFailure("--token is empty") }
            return (token, "--token")
        }
        if let tokenFile {
            let text: String
            do {
                text = try String(contentsOfFile: tokenFile, encoding: .utf8)
            } catch {
                throw CLIFailure(
                    "cannot read the token file \(tokenFile) (from --token-file): \(error.localizedDescription)")
            }
            let line =
                text.split(whereSeparator: \.isNewline).first.map {
                    $0.trimmingCharacters(in: .whitespaces)
                } ?? ""
            guard !line.isEmpty else { throw CLIFailure("the token file \(tokenFile) (from --token-file) is empty") }
            return (line, "--token-file \(tokenFile)")
        }
        if let token = environment["CMS_TOKEN"], !token.isEmpty {
            return (token, "CMS_TOKEN")
        }
        throw CLIFailure("no API token: give --token-file FILE, --token TOKEN or set CMS_TOKEN")
    }

    /// The tenant: --tenant, CMS_TENANT, or the only one the token grants.
    func tenant(using client: APIClient) async throws(CLIFailure) -> String {
        if let tenant, !tenant.isEmpty { return tenant }
        if let tenant = environment["CMS_TENANT"], !tenant.isEmpty { return tenant }
        let list: TenantListBody = try await client.get(["tenants"])
        switch list.tenants.count {
        case 1: return list.tenants[0]
        case 0: throw CLIFailure("the token grants no tenant this cmsd serves; give --tenant CODE")
        default:
            throw CLIFailure(
                "the token grants several tenants (\(list.tenants.joined(separator: ", "))); "
                    + "give --tenant CODE or set CMS_TENANT")
        }
    }
}

/// `GET /api/v1/tenants`.
private struct TenantListBody: Decodable {
    var tenants: [String]
}
