import CMSModel

/// A tenant's `backup:` settings in `cmsd.yaml` (docs/backup.md):
///
/// ```yaml
/// backup:
///   key: {env: CMS_BACKUP_KEY}            # required to back up or restore: a 32-byte base64 key or a passphrase
///   folder: /var/backups/cms/century      # local backups (default <data>/backups/<code>)
///   ssh:                                  # for ssh:// targets
///     password: {env: CMS_BACKUP_SSH_PASSWORD}     # or privateKey: {file: /etc/cms/backup_ed25519}
///     hostKey: "SHA256:…"                 # or knownHosts: /etc/cms/backup_known_hosts
/// ```
public struct BackupConfiguration: Sendable, Hashable {
    public var key: SecretRef?
    public var folder: String?
    public var ssh: BackupSSHConfiguration?

    public init(key: SecretRef? = nil, folder: String? = nil, ssh: BackupSSHConfiguration? = nil) {
        self.key = key
        self.folder = folder
        self.ssh = ssh
    }
}

/// How `cmsd` logs in to a backup SSH server and pins its host key.
public struct BackupSSHConfiguration: Sendable, Hashable {
    public var password: SecretRef?
    public var privateKey: SecretRef?
    public var passphrase: SecretRef?
    /// `SHA256:…` of the server's host key.
    public var hostKey: String?
    /// An OpenSSH known-hosts file holding the server's key.
    public var knownHosts: String?

    public init(
        password: SecretRef? = nil, privateKey: SecretRef? = nil, passphrase: SecretRef? = nil, hostKey: String? = nil,
        knownHosts: String? = nil
    ) {
        self.password = password
        self.privateKey = privateKey
        self.passphrase = passphrase
        self.hostKey = hostKey
        self.knownHosts = knownHosts
    }
}
