import CLibGit2
import CLibSSH2
import CMbedTLS
import Foundation

/// The credentials and certificate callbacks of one clone or fetch (libgit2 `git_remote_callbacks`), over a
/// ``GitRemoteAccess``. It gives each kind of credential once — a second request means the server refused it — and
/// remembers why it gave up (``failure``), so the caller reports an authentication or trust problem as such and
/// not as "cannot fetch".
///
/// Host keys: libgit2 1.5 does not check them, so every SSH connection goes through ``checkHostKey``: the server's
/// key must match a pinned fingerprint or the `known_hosts` file (libssh2's own matcher, hashed entries included).
/// Certificates: what libgit2 (mbed TLS, system CAs) accepted stays accepted; what it did not is accepted only when
/// it verifies against the configured CA file for this host name (mbed TLS's `x509_crt_verify`). Verification is
/// never switched off.
final class GitRemoteCallbacks {
    let url: String
    let access: GitRemoteAccess?
    /// Why the transfer was refused; nil while nothing went wrong (or the failure was not ours to classify).
    private(set) var failure: GitAccessFailure?
    private var gaveSSHKey = false
    private var gaveToken = false

    init(url: String, access: GitRemoteAccess?) {
        self.url = url
        self.access = access
    }

    /// Installs both callbacks with `self` as their payload; keep `self` alive until the libgit2 call returns.
    func install(into callbacks: inout git_remote_callbacks) {
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = { out, _, usernameFromURL, allowed, payload in
            guard let out, let payload else { return -1 }
            let this = Unmanaged<GitRemoteCallbacks>.fromOpaque(payload).takeUnretainedValue()
            return this.credential(out, usernameFromURL: usernameFromURL.map { String(cString: $0) }, allowed: allowed)
        }
        callbacks.certificate_check = { cert, valid, host, payload in
            guard let cert, let payload else { return -1 }
            let this = Unmanaged<GitRemoteCallbacks>.fromOpaque(payload).takeUnretainedValue()
            return this.check(cert, valid: valid != 0, host: host.map { String(cString: $0) } ?? "")
        }
    }

    /// The error to throw for a failed transfer: the access failure when there was one (or libgit2 said it was an
    /// authentication or certificate error), else `fallback`.
    func error(status: Int32, fallback: (String) -> GitSourceError) -> GitSourceError {
        let detail = GitRepository.lastError()
        if let failure { return .accessDenied(url: url, failure) }
        if status == GIT_EAUTH.rawValue {
            let how = access?.ssh != nil ? "the SSH key" : access?.https != nil ? "the token" : "anonymous access"
            return .accessDenied(
                url: url,
                GitAccessFailure(.authenticationFailed, "the server refused \(how) (\(detail)); " + Self.authHint(access)))
        }
        if status == GIT_ECERTIFICATE.rawValue {
            return .accessDenied(
                url: url,
                GitAccessFailure(
                    .certificateRejected,
                    "the server's certificate is not trusted (\(detail)); give its CA as repo.https.caFile"))
        }
        return fallback(detail)
    }

    static func authHint(_ access: GitRemoteAccess?) -> String {
        if access?.ssh != nil {
            return "add the public key (`cms tenant pubkey`, or repo.ssh.privateKey's) as a read-only deploy key of "
                + "the repository"
        }
        if access?.https != nil { return "check repo.https.token (not expired, read access to the repository)" }
        return "give repo.ssh or repo.https credentials in cmsd.yaml"
    }

    // MARK: - Credentials

    private func credential(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, usernameFromURL: String?, allowed: UInt32)
        -> Int32
    {
        let wantsUsername = allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0
        let wantsKey = allowed & (GIT_CREDENTIAL_SSH_MEMORY.rawValue | GIT_CREDENTIAL_SSH_KEY.rawValue) != 0
        let wantsPassword = allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0
        if let ssh = access?.ssh, wantsKey || wantsUsername {
            let user = usernameFromURL ?? ssh.username ?? "git"
            if wantsUsername && !wantsKey { return git_credential_username_new(out, user) }
            guard !gaveSSHKey else {
                failure = GitAccessFailure(
                    .authenticationFailed,
                    "the SSH server refused the key of user \(user); " + Self.authHint(access))
                return GIT_EAUTH.rawValue
            }
            gaveSSHKey = true
            return git_credential_ssh_key_memory_new(out, user, ssh.publicKey, ssh.privateKey, ssh.passphrase)
        }
        if let https = access?.https, wantsPassword {
            guard !gaveToken else {
                failure = GitAccessFailure(
                    .authenticationFailed,
                    "the server refused the token of user \(https.username); " + Self.authHint(access))
                return GIT_EAUTH.rawValue
            }
            gaveToken = true
            return git_credential_userpass_plaintext_new(out, https.username, https.token)
        }
        failure = GitAccessFailure(
            .credentialsUnavailable,
            "the server asks for credentials and none are configured for this URL; "
                + (wantsPassword ? "give repo.https.token" : "give repo.ssh (a deploy key or the tenant's own key)"))
        return GIT_EAUTH.rawValue
    }

    // MARK: - Server identity

    private func check(_ cert: UnsafeMutablePointer<git_cert>, valid: Bool, host: String) -> Int32 {
        switch cert.pointee.cert_type {
        case GIT_CERT_HOSTKEY_LIBSSH2:
            let hostkey = UnsafeMutableRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self)
            return checkHostKey(hostkey.pointee, host: host)
        case GIT_CERT_X509:
            if valid { return 0 }
            let x509 = UnsafeMutableRawPointer(cert).assumingMemoryBound(to: git_cert_x509.self).pointee
            guard let caFile = access?.caFile else {
                failure = GitAccessFailure(
                    .certificateRejected,
                    "the certificate of \(host) is not trusted by the system's CAs; if the server uses a private CA, "
                        + "give it as repo.https.caFile (a PEM file)")
                return GIT_ECERTIFICATE.rawValue
            }
            guard let data = x509.data else { return GIT_ECERTIFICATE.rawValue }
            if let problem = Self.verify(der: UnsafeRawBufferPointer(start: data, count: x509.len), host: host, caFile: caFile) {
                failure = GitAccessFailure(.certificateRejected, "the certificate of \(host) is refused: \(problem)")
                return GIT_ECERTIFICATE.rawValue
            }
            return 0
        default:
            failure = GitAccessFailure(.certificateRejected, "the server presented no certificate cmsd can check")
            return GIT_ECERTIFICATE.rawValue
        }
    }

    private func checkHostKey(_ key: git_cert_hostkey, host: String) -> Int32 {
        guard let pin = access?.ssh?.hostKeys else {
            failure = GitAccessFailure(
                .hostKeyUnknown, "the SSH server's host key is not pinned; give repo.ssh.hostKey or repo.ssh.knownHosts")
            return GIT_ECERTIFICATE.rawValue
        }
        var fingerprint = "?"
        if key.type.rawValue & GIT_CERT_SSH_SHA256.rawValue != 0 {
            fingerprint = withUnsafeBytes(of: key.hash_sha256) { Self.fingerprint(sha256: Data($0)) }
        }
        switch pin {
        case .fingerprints(let pins):
            if pins.contains(where: { Self.sameFingerprint($0, fingerprint) }) { return 0 }
            failure = GitAccessFailure(
                .hostKeyMismatch,
                "the host key of \(host) is \(fingerprint), not a pinned one (repo.ssh.hostKey); check the server "
                    + "before changing the pin")
            return GIT_ECERTIFICATE.rawValue
        case .knownHosts(let file):
            guard key.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = key.hostkey, key.hostkey_len > 0 else {
                failure = GitAccessFailure(.hostKeyUnknown, "libgit2 gave no host key of \(host) to check against \(file)")
                return GIT_ECERTIFICATE.rawValue
            }
            let port = GitRemoteURL.sshEndpoint(url)?.port ?? 22
            switch Self.knownHostsCheck(file: file, host: host, port: port, key: raw, length: key.hostkey_len, type: key.raw_type) {
            case .success:
                return 0
            case .failure(let problem):
                failure = problem.with(fingerprint: fingerprint, host: host, file: file)
                return GIT_ECERTIFICATE.rawValue
            }
        }
    }

    enum KnownHostsProblem: Error {
        case mismatch, notFound, unreadable(String)

        func with(fingerprint: String, host: String, file: String) -> GitAccessFailure {
            switch self {
            case .mismatch:
                return GitAccessFailure(
                    .hostKeyMismatch,
                    "the host key of \(host) (\(fingerprint)) does not match \(file): possible impostor; check the "
                        + "server before changing the file")
            case .notFound:
                return GitAccessFailure(
                    .hostKeyUnknown,
                    "\(host) is not in the known-hosts file \(file) (its key is \(fingerprint)); add it "
                        + "(ssh-keyscan, checked out of band)")
            case .unreadable(let detail):
                return GitAccessFailure(.hostKeyUnknown, "cannot read the known-hosts file \(file): \(detail)")
            }
        }
    }

    /// libssh2's known-hosts matcher (plain and hashed entries, `[host]:port`); it needs a session only as an
    /// allocator, so a fresh one is made and freed.
    static func knownHostsCheck(
        file: String, host: String, port: Int, key: UnsafePointer<CChar>, length: Int, type: git_cert_ssh_raw_type_t
    ) -> Result<Void, KnownHostsProblem> {
        guard let session = libssh2_session_init_ex(nil, nil, nil, nil) else { return .failure(.unreadable("libssh2")) }
        defer { libssh2_session_free(session) }
        guard let hosts = libssh2_knownhost_init(session) else { return .failure(.unreadable("libssh2")) }
        defer { libssh2_knownhost_free(hosts) }
        guard libssh2_knownhost_readfile(hosts, file, LIBSSH2_KNOWNHOST_FILE_OPENSSH) >= 0 else {
            return .failure(.unreadable("not an OpenSSH known_hosts file, or not readable"))
        }
        let keyBits: Int32 =
            switch type {
            case GIT_CERT_SSH_RAW_TYPE_RSA: LIBSSH2_KNOWNHOST_KEY_SSHRSA
            case GIT_CERT_SSH_RAW_TYPE_DSS: LIBSSH2_KNOWNHOST_KEY_SSHDSS
            case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_256: LIBSSH2_KNOWNHOST_KEY_ECDSA_256
            case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_384: LIBSSH2_KNOWNHOST_KEY_ECDSA_384
            case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_521: LIBSSH2_KNOWNHOST_KEY_ECDSA_521
            case GIT_CERT_SSH_RAW_TYPE_KEY_ED25519: LIBSSH2_KNOWNHOST_KEY_ED25519
            default: LIBSSH2_KNOWNHOST_KEY_UNKNOWN
            }
        let mask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | keyBits
        switch libssh2_knownhost_checkp(hosts, host, Int32(port), key, length, mask, nil) {
        case LIBSSH2_KNOWNHOST_CHECK_MATCH: return .success(())
        case LIBSSH2_KNOWNHOST_CHECK_MISMATCH: return .failure(.mismatch)
        case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND: return .failure(.notFound)
        default: return .failure(.unreadable("libssh2 could not check the key"))
        }
    }

    /// OpenSSH's `SHA256:<base64 without padding>`.
    static func fingerprint(sha256: Data) -> String {
        var text = sha256.base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return "SHA256:" + text
    }

    static func sameFingerprint(_ a: String, _ b: String) -> Bool {
        func normal(_ text: String) -> String {
            var value = text.trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("SHA256:") { value.removeFirst("SHA256:".count) }
            while value.hasSuffix("=") { value.removeLast() }
            return value
        }
        return normal(a) == normal(b)
    }

    /// Checks a server's leaf certificate (DER) against the CA certificates of `caFile` and the host name (CN or
    /// DNS subject alternative names; mbed TLS 2.28 does not match IP-address names, so name the server by DNS).
    /// nil when it verifies; otherwise why not.
    static func verify(der: UnsafeRawBufferPointer, host: String, caFile: String) -> String? {
        var authorities = mbedtls_x509_crt()
        mbedtls_x509_crt_init(&authorities)
        defer { mbedtls_x509_crt_free(&authorities) }
        let parsed = mbedtls_x509_crt_parse_file(&authorities, caFile)
        guard parsed >= 0, authorities.version != 0 else {
            return "cannot read CA certificates from repo.https.caFile \(caFile) (mbed TLS error \(parsed))"
        }
        var leaf = mbedtls_x509_crt()
        mbedtls_x509_crt_init(&leaf)
        defer { mbedtls_x509_crt_free(&leaf) }
        guard let base = der.baseAddress?.assumingMemoryBound(to: UInt8.self),
            mbedtls_x509_crt_parse_der(&leaf, base, der.count) == 0
        else { return "the server's certificate cannot be parsed" }
        var flags: UInt32 = 0
        guard mbedtls_x509_crt_verify(&leaf, &authorities, nil, host, &flags, nil, nil) != 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: 512)
        _ = mbedtls_x509_crt_verify_info(&buffer, buffer.count, "", flags)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let info = text.split(whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }.joined(separator: "; ")
        return "\(info.isEmpty ? "not valid" : info) (checked against \(caFile) for host \(host))"
    }
}
