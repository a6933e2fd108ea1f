import ConfigArchive
import Foundation
import TenantSource

/// What must survive a `kill -9` of `cmsd` around restores and auto-config: the restores sent to a device whose
/// result is checked when it comes back, and the boot id of each device's last auto-config decision (so one boot
/// never gets two). One JSON file per tenant (`<data>/archive/<tenant>.journal.json`, mode 0600), replaced
/// atomically; written on the archive's own thread. Holds no secret (an `ssh://` password never enters it).
public actor ArchiveJournal {
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        BlockingExecutor.archive.asUnownedSerialExecutor()
    }

    /// A restore sent (or about to be sent) to a device.
    public struct PendingRestore: Sendable, Hashable, Codable {
        public var device: String
        public var format: ArchiveFormat
        /// What the operator restored (`file`, `archive <rev>`, `auto-config <file>`, or the redacted URL).
        public var source: String
        public var user: String?
        /// The file restored, when it passed through `cmsd` (nil for an `ssh://` source: not compared).
        public var content: [UInt8]?
        /// True for an auto-config (its events are `auto-config.*`).
        public var autoConfig: Bool
        /// Seconds since 1970.
        public var started: Int64

        public init(
            device: String, format: ArchiveFormat, source: String, user: String?, content: [UInt8]?,
            autoConfig: Bool = false, started: Int64
        ) {
            self.device = device
            self.format = format
            self.source = source
            self.user = user
            self.content = content
            self.autoConfig = autoConfig
            self.started = started
        }
    }

    struct State: Codable {
        var restores: [String: PendingRestore] = [:]
        var autoConfigBoots: [String: UInt32] = [:]
        /// Files a `switch-auto-config` schedule chose for each device's next auto-config boot (used once).
        var autoConfigSelections: [String: AutoConfigSelection]?
    }

    /// The file a `switch-auto-config` schedule chose for a device's next auto-config boot.
    public struct AutoConfigSelection: Sendable, Hashable, Codable {
        public var file: String
        /// Who chose it (`schedule:<name>`).
        public var user: String
    }

    public nonisolated let path: String
    private var state: State

    /// Reads the journal at `path` (none yet: empty). A damaged journal is set aside (`.damaged`) rather than
    /// stopping the daemon; its restores are then not verified.
    public init(path: String) {
        self.path = path
        if let data = FileManager.default.contents(atPath: path) {
            if let decoded = try? JSONDecoder().decode(State.self, from: data) {
                state = decoded
            } else {
                try? FileManager.default.moveItem(atPath: path, toPath: path + ".damaged")
                state = State()
            }
        } else {
            state = State()
        }
    }

    /// Records a restore before it is sent; returns false when the file could not be written (then do not send).
    public func begin(_ restore: PendingRestore) -> Bool {
        state.restores[restore.device] = restore
        return save()
    }

    /// The restore waiting for `device` to come back, if any, removed from the journal.
    public func finish(_ device: String) -> PendingRestore? {
        guard let restore = state.restores.removeValue(forKey: device) else { return nil }
        _ = save()
        return restore
    }

    public func pending(_ device: String) -> PendingRestore? { state.restores[device] }

    /// Marks `boot` of `device` as decided for auto-config; false when it already was (the second announcement of
    /// one boot, or a restart of `cmsd` during that boot).
    public func claimAutoConfigBoot(_ device: String, boot: UInt32) -> Bool {
        guard state.autoConfigBoots[device] != boot else { return false }
        state.autoConfigBoots[device] = boot
        return save()
    }

    /// Records that `device`'s next auto-config boot gets `file` instead of the file flagged `autoConfig`
    /// (`switch-auto-config` schedules); false when the journal could not be written.
    public func selectAutoConfig(_ device: String, file: String, by user: String) -> Bool {
        state.autoConfigSelections = (state.autoConfigSelections ?? [:]).merging([
            device: AutoConfigSelection(file: file, user: user)
        ]) { $1 }
        return save()
    }

    /// The file a schedule chose for `device`'s next auto-config boot, if any.
    public func autoConfigSelection(_ device: String) -> AutoConfigSelection? { state.autoConfigSelections?[device] }

    /// The choice was used (or is void): the next boot gets the file flagged `autoConfig` again.
    public func clearAutoConfigSelection(_ device: String) {
        guard state.autoConfigSelections?.removeValue(forKey: device) != nil else { return }
        _ = save()
    }

    private func save() -> Bool {
        do {
            let data = try JSONEncoder().encode(state)
            let folder = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            return true
        } catch {
            return false
        }
    }
}
