/// How `cmsd` proves who it is to a private git server, and how it knows the server is the right one — resolved
/// values (the secrets themselves), built by the daemon from the secret references of `cmsd.yaml` just before a
/// fetch. Never logged: ``description`` names what is configured, never a key or a token.
///
/// libgit2 1.5 (Debian 12) speaks SSH through libssh2 and HTTPS through mbed TLS. It does **not** check an SSH
/// server's host key by itself, so an SSH remote is only reached with a pin (``SSH/hostKeys``); an HTTPS server's
/// certificate must be trusted by the system's CAs or by ``caFile``.
public struct GitRemoteAccess: Sendable, Hashable, CustomStringConvertible {
    /// An SSH key login (a deploy key, or the tenant's own key pair).
    public struct SSH: Sendable, Hashable {
        /// The login name when the URL has none (`ssh://git@…` carries its own); default `git`.
        public var username: String?
        /// The private key, OpenSSH or PEM text.
        public var privateKey: String
        /// The public key line (`ssh-ed25519 AAAA… comment`); nil lets libssh2 derive it.
        public var publicKey: String?
        public var passphrase: String?
        /// How the server's host key is checked.
        public var hostKeys: HostKeyPin

        public init(
            username: String? = nil, privateKey: String, publicKey: String? = nil, passphrase: String? = nil,
            hostKeys: HostKeyPin
        ) {
            self.username = username
            self.privateKey = privateKey
            self.publicKey = publicKey
            self.passphrase = passphrase
            self.hostKeys = hostKeys
        }
    }

    /// Where an SSH server's host key is pinned.
    public enum HostKeyPin: Sendable, Hashable {
        /// Accepted keys as OpenSSH SHA-256 fingerprints (`SHA256:…`, what `ssh-keygen -lf` prints).
        case fingerprints([String])
        /// An OpenSSH `known_hosts` file (plain or hashed entries, `[host]:port` for other ports).
        case knownHosts(String)
    }

    /// A token (or password) sent with HTTP Basic authentication.
    public struct HTTPS: Sendable, Hashable {
        /// GitHub accepts any name with a token (`x-access-token`), GitLab wants `oauth2` or the token's user,
        /// Gitea the account name.
        public var username: String
        public var token: String

        public init(username: String, token: String) {
            self.username = username
            self.token = token
        }
    }

    public var ssh: SSH?
    public var https: HTTPS?
    /// A PEM file of CA certificates trusted for the server, in addition to the system's
    /// (`/etc/ssl/certs/ca-certificates.crt`, which Debian's libgit2 reads).
    public var caFile: String?

    public init(ssh: SSH? = nil, https: HTTPS? = nil, caFile: String? = nil) {
        self.ssh = ssh
        self.https = https
        self.caFile = caFile
    }

    public var description: String {
        var parts: [String] = []
        if let ssh {
            switch ssh.hostKeys {
            case .fingerprints(let list): parts.append("ssh key, host key pinned (\(list.count))")
            case .knownHosts(let file): parts.append("ssh key, host key in \(file)")
            }
        }
        if let https { parts.append("https token as \(https.username)") }
        if let caFile { parts.append("CA file \(caFile)") }
        return parts.isEmpty ? "anonymous" : parts.joined(separator: ", ")
    }
}

/// Why a private remote refused `cmsd`, or `cmsd` refused the remote: the part of a fetch failure an operator acts
/// on. ``reason`` is the tenant status condition's reason; ``message`` says what to do.
public struct GitAccessFailure: Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// The server refused the key or token.
        case authenticationFailed = "GitAuthenticationFailed"
        /// The server asked for credentials and none are configured (or they cannot be read).
        case credentialsUnavailable = "GitCredentialsUnavailable"
        /// The SSH server's host key is not the pinned one.
        case hostKeyMismatch = "GitHostKeyMismatch"
        /// The SSH server's host key is in no pin at all.
        case hostKeyUnknown = "GitHostKeyUnknown"
        /// The HTTPS server's certificate is not trusted (or not for this host name).
        case certificateRejected = "GitCertificateRejected"
    }

    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }
}

/// Hiding what a URL must not show in a log or an event: the password or token of `https://user:token@host/…`.
public enum GitRemoteURL {
    /// The URL with any password of its user part replaced by `***`.
    public static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return url }
        return String(url[..<scheme.upperBound]) + authority[..<colon] + ":***" + authority[at...]
            + rest[authorityEnd...]
    }

    /// Host and port of an SSH remote: `ssh://[user@]host[:port]/path` or scp-like `[user@]host:path` (port 22).
    public static func sshEndpoint(_ url: String) -> (user: String?, host: String, port: Int)? {
        if url.hasPrefix("ssh://") || url.hasPrefix("git+ssh://") || url.hasPrefix("ssh+git://") {
            let rest = url[url.range(of: "://")!.upperBound...]
            let authority = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]
            var user: String?
            var hostPort = Substring(authority)
            if let at = authority.lastIndex(of: "@") {
                user = String(authority[..<at])
                hostPort = authority[authority.index(after: at)...]
            }
            if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
                let host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
                let tail = hostPort[hostPort.index(after: close)...]
                let port = tail.hasPrefix(":") ? Int(tail.dropFirst()) : 22
                return port.map { (user, host, $0) }
            }
            if let colon = hostPort.lastIndex(of: ":") {
                guard let port = Int(hostPort[hostPort.index(after: colon)...]) else { return nil }
                return (user, String(hostPort[..<colon]), port)
            }
            return hostPort.isEmpty ? nil : (user, String(hostPort), 22)
        }
        guard !url.contains("://"), let colon = url.firstIndex(of: ":") else { return nil }
        let authority = url[..<colon]
        guard !authority.contains("/"), !authority.isEmpty else { return nil }
        if let at = authority.lastIndex(of: "@") {
            return (String(authority[..<at]), String(authority[authority.index(after: at)...]), 22)
        }
        return (nil, String(authority), 22)
    }

    /// Whether the URL reaches its server over SSH.
    public static func isSSH(_ url: String) -> Bool { sshEndpoint(url) != nil }
}
