/// The config archive and restore part of the control plane (issue 12, docs/config-archive.md). A separate protocol
/// so the server reaches it with `controlPlane as? any ConfigArchiveControl` and answers 501 without it.
public protocol ConfigArchiveControl: Sendable {
    /// Fetches the running config from the device now, archives it (recorded with `user`), and returns it.
    func configPull(_ tenant: String, device: String, format: String, user: String?) async throws(APIError)
        -> ConfigFile
    /// Has the device upload its running config in `format` to an external `ssh://account@host:port/path` with
    /// the password of a secret reference (`env:CMS_<TENANT>_…` or `file:NAME`); or, with an SSH key
    /// (`keySecret`, the server's `hostKey` pinned), `cmsd` reads it from the device and uploads it itself (the
    /// device's transfer takes only a password). Nothing is archived.
    func configPush(
        _ tenant: String, device: String, format: String, url: String, passwordSecret: String?, keySecret: String?,
        passphraseSecret: String?, hostKey: String?, user: String?
    ) async throws(APIError) -> ConfigRestoreAccepted
    /// The archive commits that changed the device's files, newest first.
    func configLog(_ tenant: String, device: String, limit: Int) async throws(APIError) -> ConfigLog
    /// A unified diff of the device's files between two archive revisions (nil: the device's last two).
    func configDiff(_ tenant: String, device: String, from: String?, to: String?) async throws(APIError) -> ConfigDiff
    /// One archived file at a revision (nil: the newest).
    func configShow(_ tenant: String, device: String, format: String, revision: String?) async throws(APIError)
        -> ConfigFile
    /// Queues a restore (the device reboots into the file); returns at once with what was queued.
    func configRestore(_ tenant: String, device: String, request: ConfigRestoreRequest, user: String?)
        async throws(APIError) -> ConfigRestoreAccepted
}

extension ConfigArchiveControl {
    /// The device uploads with a password (no key).
    public func configPush(
        _ tenant: String, device: String, format: String, url: String, passwordSecret: String?, user: String?
    ) async throws(APIError) -> ConfigRestoreAccepted {
        try await configPush(
            tenant, device: device, format: format, url: url, passwordSecret: passwordSecret, keySecret: nil,
            passphraseSecret: nil, hostKey: nil, user: user)
    }
}

/// A config file of a device, as archived (content base64: tgz is binary).
public struct ConfigFile: Sendable, Hashable, Codable {
    public var device: String
    public var format: String
    /// The archive commit holding exactly these bytes (nil when nothing was archived, e.g. an ssh:// upload).
    public var revision: String?
    /// Whether this pull made a new archive commit (the config had changed).
    public var changed: Bool
    public var size: Int
    public var contentBase64: String

    public init(device: String, format: String, revision: String?, changed: Bool, size: Int, contentBase64: String) {
        self.device = device
        self.format = format
        self.revision = revision
        self.changed = changed
        self.size = size
        self.contentBase64 = contentBase64
    }
}

/// One archive commit of a device.
public struct ConfigLogEntry: Sendable, Hashable, Codable {
    public var revision: String
    /// Seconds since 1970, UTC.
    public var time: Int64
    public var author: String
    public var subject: String
    public var message: String
    public var files: [String]

    public init(revision: String, time: Int64, author: String, subject: String, message: String, files: [String]) {
        self.revision = revision
        self.time = time
        self.author = author
        self.subject = subject
        self.message = message
        self.files = files
    }
}

public struct ConfigLog: Sendable, Hashable, Codable {
    public var device: String
    public var entries: [ConfigLogEntry]

    public init(device: String, entries: [ConfigLogEntry]) {
        self.device = device
        self.entries = entries
    }
}

public struct ConfigDiff: Sendable, Hashable, Codable {
    public var device: String
    public var from: String
    public var to: String
    /// Like `git diff`: empty when the two revisions hold the same files.
    public var text: String

    public init(device: String, from: String, to: String, text: String) {
        self.device = device
        self.from = from
        self.to = to
        self.text = text
    }
}

/// What to restore: a file sent along (base64), an archive revision, or an external `ssh://` URL the device
/// downloads with the password of a secret reference (`passwordSecret`: `env:CMS_<TENANT>_…` or `file:NAME`) —
/// or, with an SSH key (`keySecret`, `passphraseSecret`, the server's `hostKey` pinned), that `cmsd` reads and
/// restores inline.
public struct ConfigRestoreRequest: Sendable, Hashable, Codable {
    public var format: String
    public var contentBase64: String?
    public var archiveRevision: String?
    public var url: String?
    public var passwordSecret: String?
    /// An SSH private key for `url`, as a secret reference; `cmsd` fetches the file with it.
    public var keySecret: String?
    /// The key's passphrase, as a secret reference (an encrypted key only).
    public var passphraseSecret: String?
    /// The SSH server's host key, `SHA256:…` (required with `keySecret`).
    public var hostKey: String?
    /// Also store as the startup config (default true: the device boots from it next time too).
    public var save: Bool?

    public init(
        format: String, contentBase64: String? = nil, archiveRevision: String? = nil, url: String? = nil,
        passwordSecret: String? = nil, keySecret: String? = nil, passphraseSecret: String? = nil,
        hostKey: String? = nil, save: Bool? = nil
    ) {
        self.format = format
        self.contentBase64 = contentBase64
        self.archiveRevision = archiveRevision
        self.url = url
        self.passwordSecret = passwordSecret
        self.keySecret = keySecret
        self.passphraseSecret = passphraseSecret
        self.hostKey = hostKey
        self.save = save
    }
}

public struct ConfigRestoreAccepted: Sendable, Hashable, Codable {
    public var device: String
    public var format: String
    /// What is restored, for the operator (`file`, `archive <rev>`, or the URL).
    public var source: String
    public var message: String

    public init(device: String, format: String, source: String, message: String) {
        self.device = device
        self.format = format
        self.source = source
        self.message = message
    }
}
