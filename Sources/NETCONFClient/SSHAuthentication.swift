/// How to authenticate the SSH user. Secrets never appear in `description` (so never in logs).
public enum SSHAuthentication: Sendable, CustomStringConvertible {
    /// A private key held in memory, OpenSSH format (`-----BEGIN OPENSSH PRIVATE KEY-----`) or PEM.
    /// ed25519 is the default for tenant keys; ECDSA and RSA work too (RSA only as `ssh-rsa`/SHA-1 with
    /// libssh2 1.10, which legacy devices accept and OpenSSH ≥ 8.8 refuses unless configured to).
    case publicKey(privateKey: String, passphrase: String? = nil)
    /// Password authentication (`password` method; `keyboard-interactive` is not used).
    case password(String)

    /// The SSH method name this credential needs the server to offer.
    public var methodName: String {
        switch self {
        case .publicKey: "publickey"
        case .password: "password"
        }
    }

    public var description: String {
        switch self {
        case .publicKey: "publickey(<redacted>)"
        case .password: "password(<redacted>)"
        }
    }
}
