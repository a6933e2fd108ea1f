/// Why the archive looked at a device's running configuration; the first line of the commit says it.
public enum ArchiveReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// After a verified apply of the desired state.
    case apply
    /// After a drift check corrected (or reported) a difference.
    case drift
    /// The device told us another session changed its running configuration.
    case deviceChange = "device-change"
    /// The device (re)connected and its configuration was read.
    case connected
    /// A schedule asked for it.
    case schedule
    /// A user asked for it (`cms config pull`).
    case request
    /// After a config restore or an auto-config, the device came back.
    case restore

    /// The commit's subject for `device`, naming who when a user asked.
    public func subject(device: String, user: String?) -> String {
        switch self {
        case .apply: "\(device): running config after an apply"
        case .drift: "\(device): running config after a drift check"
        case .deviceChange: "\(device): running config changed on the device"
        case .connected: "\(device): running config read at connection"
        case .schedule: "\(device): running config archived by schedule" + (user.map { " \($0)" } ?? "")
        case .request: "\(device): running config pulled on request" + (user.map { " of \($0)" } ?? "")
        case .restore: "\(device): running config after a restore"
        }
    }
}

/// Who and why, as written into a commit.
public struct ArchiveNote: Sendable, Hashable {
    public var reason: ArchiveReason
    /// The API user or schedule that asked (nil: `cmsd` itself).
    public var user: String?
    /// The desired-state revision in force, if any.
    public var revision: String?
    /// More lines for the commit body (`key: value`); never secrets.
    public var details: [String: String]

    public init(reason: ArchiveReason, user: String? = nil, revision: String? = nil, details: [String: String] = [:]) {
        self.reason = reason
        self.user = user
        self.revision = revision
        self.details = details
    }

    /// The full commit message: subject, blank line, `Reason:`, `User:`, `Revision:`, then the details, sorted.
    public func message(device: String, files: [ArchiveFormat]) -> String {
        var lines = [reason.subject(device: device, user: user), "", "Device: \(device)", "Reason: \(reason.rawValue)"]
        lines.append("User: \(user ?? "cmsd")")
        if let revision { lines.append("Revision: \(revision)") }
        lines.append("Files: " + files.map(\.fileName).joined(separator: ", "))
        for key in details.keys.sorted() { lines.append("\(key): \(details[key] ?? "")") }
        return lines.joined(separator: "\n") + "\n"
    }
}
