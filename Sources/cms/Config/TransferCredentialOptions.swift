import ArgumentParser

/// How `cmsd` reaches an `--url ssh://…` for `cms config pull` and `cms config restore`: a password, or an SSH key
/// with the server's pinned host key — each a secret reference, never the secret itself.
struct TransferCredentialOptions: ParsableArguments {
    @Option(help: "The URL's password as a secret reference: env:CMS_<TENANT>_NAME or file:NAME (never the password).")
    var passwordSecret: String?

    @Option(
        help: """
            Instead of a password: an SSH private key as a secret reference (env:CMS_<TENANT>_NAME or file:NAME); \
            cmsd then transfers the file itself (the device's transfer takes only a password).
            """)
    var keySecret: String?

    @Option(help: "The key's passphrase as a secret reference (an encrypted key only).")
    var passphraseSecret: String?

    @Option(help: "With --key-secret: the SSH server's host key, SHA256:… (ssh-keygen -l -E sha256 -f its key).")
    var hostKey: String?

    /// The rules both commands share; `url` is the command's `--url`.
    func validate(url: String?) throws {
        if passwordSecret != nil, url == nil { throw ValidationError("--password-secret goes with --url") }
        if keySecret != nil || passphraseSecret != nil || hostKey != nil {
            guard url != nil else { throw ValidationError("--key-secret, --passphrase-secret and --host-key go with --url") }
            guard keySecret != nil, hostKey != nil else {
                throw ValidationError("with a key, give --key-secret and --host-key SHA256:… (the server's pinned host key)")
            }
            guard passwordSecret == nil else { throw ValidationError("give --password-secret or --key-secret, not both") }
        }
    }
}
