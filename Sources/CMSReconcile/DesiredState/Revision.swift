import CMSModel
import CMSSchema

/// One commit of a tenant's repository, loaded and linted: the unit of desired state.
public struct Revision: Sendable, Equatable {
    /// Full hexadecimal commit id.
    public var commit: String
    public var authorName: String
    public var authorEmail: String
    /// When the commit was authored.
    public var time: Timestamp
    public var message: String
    /// The desired state; nil when lint found errors (such a revision is never applied).
    public var snapshot: TenantSnapshot?
    /// Every lint finding, sorted.
    public var diagnostics: [Diagnostic]
    /// The enforced XML config files (baselines) and the auto-config files of the snapshot's devices: repository path
    /// (`configs/<device>/<file>.xml`) → bytes. Empty when the revision is not applicable.
    public var files: [String: [UInt8]]

    public init(
        commit: String, authorName: String, authorEmail: String, time: Timestamp, message: String,
        snapshot: TenantSnapshot?, diagnostics: [Diagnostic], files: [String: [UInt8]] = [:]
    ) {
        self.commit = commit
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.time = time
        self.message = message
        self.snapshot = snapshot
        self.diagnostics = diagnostics
        self.files = files
    }

    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }

    /// Whether this revision may be put in force: it produced a snapshot and lint found no error.
    public var isApplicable: Bool { snapshot != nil && errorCount == 0 }

    /// The events' "user": the commit author as `Name <email>` (SPEC §1), or whichever of the two is present.
    public var user: String {
        switch (authorName.isEmpty, authorEmail.isEmpty) {
        case (false, false): "\(authorName) <\(authorEmail)>"
        case (false, true): authorName
        case (true, false): authorEmail
        case (true, true): "unknown"
        }
    }

    /// The first 12 characters of the commit id, for messages.
    public var shortCommit: String { String(commit.prefix(12)) }
}
