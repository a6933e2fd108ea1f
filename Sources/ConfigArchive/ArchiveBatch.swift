/// One device's files for a commit of several devices (``ArchiveRepository/record(_:note:time:)``).
public struct ArchiveEntry: Sendable, Hashable {
    public var device: String
    public var files: [ArchiveFormat: [UInt8]]

    public init(device: String, files: [ArchiveFormat: [UInt8]]) {
        self.device = device
        self.files = files
    }
}

/// A commit of several devices, and which of each device's files it changed (devices whose files were already
/// archived as they are are not in ``changed``).
public struct ArchiveBatchCommit: Sendable, Hashable {
    public var commit: ArchiveCommit
    public var changed: [String: [ArchiveFormat]]

    public init(commit: ArchiveCommit, changed: [String: [ArchiveFormat]]) {
        self.commit = commit
        self.changed = changed
    }
}

extension ArchiveNote {
    /// The message of a commit of several devices: `N devices: …` as the subject, then one `Device:` line per device
    /// with the files it changed, then `Reason:`, `User:`, `Revision:` and the details as for one device.
    public func message(devices: [String: [ArchiveFormat]]) -> String {
        var lines = [reason.subject(device: "\(devices.count) devices", user: user), ""]
        for device in devices.keys.sorted() {
            lines.append("Device: \(device) (\((devices[device] ?? []).map(\.fileName).joined(separator: ", ")))")
        }
        lines.append("Reason: \(reason.rawValue)")
        lines.append("User: \(user ?? "cmsd")")
        if let revision { lines.append("Revision: \(revision)") }
        for key in details.keys.sorted() { lines.append("\(key): \(details[key] ?? "")") }
        return lines.joined(separator: "\n") + "\n"
    }
}
