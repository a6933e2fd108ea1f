import CMSModel
import CMSReconcile
import ConfigArchive
import Foundation

// The schedule commands that run through other engines (SPEC §8, docs/schedules.md): syslog collection, config
// restore and auto-config (the config archive), firmware updates (the firmware engine). Each validates at fire time
// what the revision cannot promise (a file flagged `schedule`, an image still in the store, a known version) and
// says so with the catalogue's event instead of acting.

/// Submits one disruptive operation per device and waits (on the controller's clock, at most `timeout`) until every
/// submitted one has run its step. `step` returns the device's outcome.
func runDisruptive(
    _ devices: [String], name: String, user: String, controller: TenantController, timeout: Duration,
    step: @escaping @Sendable (DeviceAgent) async -> ScheduleDeviceOutcome
) async -> [String: ScheduleDeviceOutcome] {
    let results = OutcomeBox()
    var submitted: [String] = []
    for device in devices {
        let operation = DisruptiveOperation(
            name: name, user: user, run: { agent in await results.set(agent.code, await step(agent)) },
            cancelled: { reason in await results.set(device, .refused(reason)) })
        if await controller.submitDisruptive(device, operation) {
            submitted.append(device)
        } else {
            await results.set(device, .refused("another disruptive operation is waiting for the device"))
        }
    }
    await results.wait(for: Set(submitted), clock: controller.context.clock, timeout: timeout)
    var outcomes = await results.outcomes
    for device in submitted where outcomes[device] == nil {
        outcomes[device] = .refused("the \(name) did not run within \(timeout) (device left the revision?)")
    }
    return outcomes
}

/// `fetch-syslog`: the syslog collection of `cms syslog fetch` on each connected target (the diagnostics cap, not
/// the work queue: a fetch disrupts nothing); `syslog.fetch.succeeded` / `syslog.fetch.failed` per device with the
/// schedule as user, the newest 5 kept per device. Returns once every fetch has ended.
public struct SyslogFetchRunner: ScheduleCommandRunner {
    public var includesDisconnected: Bool { false }
    /// The tenant's collector (nil: this `cmsd` has no syslog collection, every device is refused with that reason).
    let collector: @Sendable (TenantController) -> SyslogCollector?

    public init(collector: @escaping @Sendable (TenantController) -> SyslogCollector?) { self.collector = collector }

    public func run(_ firing: ScheduleFiring, controller: TenantController) async -> [String: ScheduleDeviceOutcome] {
        guard let collector = collector(controller) else {
            return Dictionary(uniqueKeysWithValues: firing.devices.map { ($0, .refused("no syslog collection in this cmsd")) })
        }
        let report = await collector.fetch(devices: firing.devices, user: firing.user)
        var outcomes: [String: ScheduleDeviceOutcome] = [:]
        for result in report.results {
            outcomes[result.device] = result.error.map { .refused("syslog fetch failed: \($0)") } ?? .started
        }
        return outcomes
    }
}

/// `restore-config`: the file of each connected target flagged `schedule: true` is restored through the config
/// archive's restore (journal, `config.restore-*` events, the device reboots into it and is checked when back),
/// as a disruptive operation. A target without such a file is `schedule-config.not-registered` and skipped.
public struct ConfigRestoreRunner: ScheduleCommandRunner {
    public var includesDisconnected: Bool { false }
    public var stepTimeout: Duration

    public init(stepTimeout: Duration = .seconds(900)) { self.stepTimeout = stepTimeout }

    public func run(_ firing: ScheduleFiring, controller: TenantController) async -> [String: ScheduleDeviceOutcome] {
        var outcomes: [String: ScheduleDeviceOutcome] = [:]
        var files: [String: ScheduleConfigFile] = [:]
        for device in firing.devices {
            switch await controller.scheduleConfigFile(device, schedule: firing.schedule.name, user: firing.user) {
            case .success(let file): files[device] = file
            case .failure(let reason): outcomes[device] = .refused(reason.message)
            }
        }
        guard await controller.configArchiver() != nil else {
            for device in files.keys { outcomes[device] = .refused("the tenant's config archive is not open") }
            return outcomes
        }
        let chosen = files
        let ran = await runDisruptive(
            files.keys.sorted(), name: "config-restore", user: firing.user, controller: controller,
            timeout: stepTimeout
        ) { agent in
            guard let file = chosen[agent.code] else { return .refused("no file") }
            return await controller.restoreForSchedule(agent, file: file, user: firing.user)
        }
        return outcomes.merging(ran) { $1 }
    }
}

/// `switch-auto-config`: on every target, connected or not (SPEC §8), the file flagged `schedule: true` becomes the
/// file the device gets at its next auto-config boot (kept in the archive journal, so a restart of `cmsd` keeps it;
/// used once), and a connected device is rebooted (a disruptive operation; `rebooting`, no DOWN) so it boots into
/// auto-config now. A disconnected one gets the file when it next boots and announces. A device without a file
/// flagged `schedule` is `schedule-config.not-registered` and nothing is changed for it.
public struct AutoConfigSwitchRunner: ScheduleCommandRunner {
    public var includesDisconnected: Bool { true }
    public var stepTimeout: Duration

    public init(stepTimeout: Duration = .seconds(600)) { self.stepTimeout = stepTimeout }

    public func run(_ firing: ScheduleFiring, controller: TenantController) async -> [String: ScheduleDeviceOutcome] {
        var outcomes: [String: ScheduleDeviceOutcome] = [:]
        guard let archiver = await controller.configArchiver() else {
            return Dictionary(uniqueKeysWithValues: firing.devices.map { ($0, .refused("the tenant's config archive is not open")) })
        }
        var reboot: [String] = []
        for device in firing.devices {
            let file: ScheduleConfigFile
            switch await controller.scheduleConfigFile(device, schedule: firing.schedule.name, user: firing.user) {
            case .success(let found): file = found
            case .failure(let reason):
                outcomes[device] = .refused(reason.message)
                continue
            }
            guard await archiver.journal.selectAutoConfig(device, file: file.ref.file, by: firing.user) else {
                outcomes[device] = .refused("the archive journal cannot be written; nothing was switched")
                continue
            }
            let state = await controller.deviceState(device)
            if state == .connected || state == .communicating {
                reboot.append(device)
            } else {
                // Switched; the device gets the file when it next boots with auto-config enabled.
                outcomes[device] = .started
            }
        }
        let ran = await runDisruptive(
            reboot, name: "auto-config", user: firing.user, controller: controller, timeout: stepTimeout
        ) { agent in
            // A plain reboot (`device.reboot.started`); what the device gets when it is back is auto-config's business.
            await RebootRunner.reboot(agent, kind: .reboot)
        }
        return outcomes.merging(ran) { $1 }
    }
}

/// `firmware-update` / `firmware-update-no-reboot`: a one-off rollout of the schedule's image on the connected
/// targets through the firmware engine (the tenant's rollout policy and cap, the journal's exactly-once intents,
/// same version skipped with `firmware.transfer-skipped-same-version`, another product `firmware.update-not-updated`).
/// Checked first: the image is declared, its bytes are still in the image store (else
/// `schedule.firmware-not-registered`), and its version is known (else `schedule.firmware-version-unknown`); in
/// either case no device is touched. Returns once the rollout is started (its devices then follow its batches).
public struct FirmwareScheduleRunner: ScheduleCommandRunner {
    public var includesDisconnected: Bool { false }

    public init() {}

    public func run(_ firing: ScheduleFiring, controller: TenantController) async -> [String: ScheduleDeviceOutcome] {
        func refuseAll(_ reason: String) -> [String: ScheduleDeviceOutcome] {
            Dictionary(uniqueKeysWithValues: firing.devices.map { ($0, .refused(reason)) })
        }
        guard let engine = await controller.firmwareEngine else { return refuseAll("no firmware engine in this cmsd") }
        let schedule = firing.schedule
        let snapshot = await controller.inForce?.snapshot
        let check = await ScheduleFirmwareCheck.resolve(schedule, snapshot: snapshot, engine: engine)
        let image: FirmwareImage
        switch check {
        case .ready(let ready):
            image = ready
        case .notRegistered(let name, let reason):
            await controller.append([
                Event(
                    time: controller.now(), tenant: controller.code, type: .scheduleFirmwareNotRegistered,
                    user: firing.user, revision: firing.revision,
                    details: ["schedule": schedule.name, "image": name, "reason": reason])
            ])
            return refuseAll("no firmware image: \(reason)")
        case .versionUnknown(let name):
            await controller.append([
                Event(
                    time: controller.now(), tenant: controller.code, type: .scheduleFirmwareVersionUnknown,
                    user: firing.user, revision: firing.revision, details: ["schedule": schedule.name, "image": name])
            ])
            return refuseAll("the version of image \(name) is unknown: nothing is updated")
        }
        let mode: FirmwareTarget.Mode = schedule.command == .firmwareUpdateNoReboot ? .noReboot : .normal
        guard await engine.update(devices: firing.devices.sorted(), image: image, mode: mode, user: firing.user) != nil
        else {
            return refuseAll("the firmware engine has no revision in force yet")
        }
        return Dictionary(uniqueKeysWithValues: firing.devices.map { ($0, .started) })
    }
}

/// Whether a firmware schedule's image can be used now.
enum ScheduleFirmwareCheck: Equatable {
    /// Usable; its version filled in from the image store's header when the declaration gives none.
    case ready(FirmwareImage)
    case notRegistered(String, reason: String)
    case versionUnknown(String)

    static func resolve(_ schedule: Schedule, snapshot: TenantSnapshot?, engine: FirmwareEngine) async
        -> ScheduleFirmwareCheck
    {
        guard let name = schedule.firmware else {
            return .notRegistered("-", reason: "the schedule names no firmware image")
        }
        guard var image = snapshot?.firmware.first(where: { $0.name == name }) else {
            return .notRegistered(name, reason: "image \(name) is not declared in the revision in force")
        }
        switch image.source {
        case .store:
            guard let stored = await engine.store.image(sha256: image.sha256) else {
                return .notRegistered(
                    name,
                    reason: "image \(name) (sha256 \(image.sha256.prefix(12))…) is no longer in the image store; "
                        + "add it again with `cms firmware add`")
            }
            if image.version.isEmpty { image.version = stored.version }
        case .file(let path):
            guard await engine.revisionHasFile(path) else {
                return .notRegistered(name, reason: "image file \(path) is not in the revision")
            }
        case .url:
            break
        }
        guard !image.version.isEmpty else { return .versionUnknown(name) }
        return .ready(image)
    }
}

/// A device's file flagged `schedule`, with its bytes from the revision in force.
struct ScheduleConfigFile: Sendable {
    var ref: ConfigFileRef
    var bytes: [UInt8]
    var format: ArchiveFormat {
        switch ref.type {
        case .xml: .xml
        case .tgz: .tgz
        case .showConfig: .showConfig
        }
    }
}

struct ScheduleRefusal: Error {
    var message: String
}

extension FirmwareEngine {
    /// Whether the revision in force carries `path` (an image kept in the tenant repository).
    func revisionHasFile(_ path: String) -> Bool { revision?.files[path] != nil }
}

extension TenantController {
    /// The file of `device` flagged `schedule: true` in the revision in force; when it has none (or the file is not
    /// in the revision) the `schedule-config.not-registered` event is recorded and the reason returned.
    func scheduleConfigFile(_ device: String, schedule: String, user: String) async
        -> Result<ScheduleConfigFile, ScheduleRefusal>
    {
        let revision = inForce
        func missing(_ reason: String) async -> Result<ScheduleConfigFile, ScheduleRefusal> {
            await append([
                Event(
                    time: now(), tenant: code, type: .scheduleConfigNotRegistered, device: device, user: user,
                    revision: revision?.commit, details: ["schedule": schedule, "reason": reason])
            ])
            return .failure(ScheduleRefusal(message: reason))
        }
        guard let desired = revision?.snapshot?.device(device) else {
            return .failure(ScheduleRefusal(message: "\(device) is not in the revision in force"))
        }
        guard let ref = desired.configs.first(where: \.schedule) else {
            return await missing("no config file of \(device) is flagged `schedule: true`")
        }
        guard let bytes = revision?.files[ref.repositoryPath(device: device)] else {
            return await missing("\(ref.repositoryPath(device: device)) was not loaded from the revision")
        }
        return .success(ScheduleConfigFile(ref: ref, bytes: bytes))
    }

    /// The queue step of a scheduled restore: the config archive's restore of `file` (saved as the startup config).
    func restoreForSchedule(_ agent: DeviceAgent, file: ScheduleConfigFile, user: String) async -> ScheduleDeviceOutcome {
        let restore = ArchiveJournal.PendingRestore(
            device: agent.code, format: file.format, source: file.ref.file, user: user, content: file.bytes,
            started: now().microsecondsSince1970 / 1_000_000)
        await performRestore(restore, source: RestoreSource(content: file.bytes, save: true), agent: agent)
        return .started
    }
}
