/// Where a backup goes or comes from: a file in the tenant's backup folder on the `cmsd` host, or a path on an
/// SSH server (`ssh://account@host:port/path`, SPEC §11: path ≤ 255 bytes, port 22 when absent).
public enum BackupTarget: Sendable, Hashable, CustomStringConvertible {
    /// A name relative to the tenant's backup folder (`backup.folder`), without `..`.
    case local(String)
    case ssh(SSHLocation)

    public struct SSHLocation: Sendable, Hashable {
        public var account: String
        public var host: String
        public var port: Int
        /// Absolute path on the server.
        public var path: String

        public init(account: String, host: String, port: Int, path: String) {
            self.account = account
            self.host = host
            self.port = port
            self.path = path
        }

        public var url: String { "ssh://\(account)@\(host.contains(":") ? "[\(host)]" : host):\(port)\(path)" }
    }

    public static let maxPathLength = 255

    public var description: String {
        switch self {
        case .local(let name): name
        case .ssh(let location): location.url
        }
    }

    /// Parses what the user gave (`--to`, the restore argument).
    public static func parse(_ text: String) -> Result<BackupTarget, RestoreProblem> {
        if text.hasPrefix("ssh://") { return parseSSH(text) }
        if text.contains("://") { return .failure(.badTarget("\(text): only ssh:// URLs and file names are accepted")) }
        guard !text.isEmpty, text.utf8.count <= maxPathLength else {
            return .failure(.badTarget("give a file name of 1 to \(maxPathLength) bytes"))
        }
        guard !text.hasPrefix("/"), !text.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
            return .failure(
                .badTarget("\(text): a local backup is a name inside the tenant's backup folder (no leading /, no ..)"))
        }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return .failure(.badTarget("the file name has control characters"))
        }
        return .success(.local(text))
    }

    private static func parseSSH(_ url: String) -> Result<BackupTarget, RestoreProblem> {
        let rest = url.dropFirst("ssh://".count)
        guard let slash = rest.firstIndex(of: "/") else {
            return .failure(.badTarget("\(url) has no path (ssh://account@host:port/path)"))
        }
        let authority = rest[..<slash]
        let path = String(rest[slash...])
        guard let at = authority.lastIndex(of: "@"), at != authority.startIndex else {
            return .failure(.badTarget("\(url) has no account (ssh://account@host:port/path)"))
        }
        let account = String(authority[..<at])
        var hostPort = authority[authority.index(after: at)...]
        var host: String
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return .failure(.badTarget("\(url): bad IPv6 host")) }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            hostPort = hostPort[hostPort.index(after: close)...]
            if hostPort.hasPrefix(":") { portText = hostPort.dropFirst() }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = String(hostPort)
        }
        guard !host.isEmpty else { return .failure(.badTarget("\(url) has no host")) }
        var port = 22
        if let portText {
            guard let parsed = Int(portText), (1...65535).contains(parsed) else {
                return .failure(.badTarget("\(url): the port must be 1-65535"))
            }
            port = parsed
        }
        guard path.utf8.count <= maxPathLength else {
            return .failure(.badTarget("\(url): the path is longer than \(maxPathLength) bytes"))
        }
        guard path.count > 1, !path.hasSuffix("/"), !path.split(separator: "/").contains("..") else {
            return .failure(.badTarget("\(url): the path must name a file and contain no '..'"))
        }
        guard !url.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return .failure(.badTarget("the URL has control characters"))
        }
        return .success(.ssh(SSHLocation(account: account, host: host, port: port, path: path)))
    }
}
