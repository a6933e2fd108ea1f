import CMSModel
import CMSReconcile
import Foundation
import NETCONF
import NXRModel

/// One fire of a schedule, as handed to the command's runner.
public struct ScheduleFiring: Sendable {
    public var schedule: Schedule
    /// The due time this fire is for.
    public var due: Timestamp
    /// The target devices to act on (connected ones; every target for a runner that ``ScheduleCommandRunner/includesDisconnected``).
    public var devices: [String]
    /// The revision in force.
    public var revision: String
    /// Who the operations are recorded for: `schedule:<name>`.
    public var user: String { "schedule:" + schedule.name }
}

/// What happened to one device of a fire.
public enum ScheduleDeviceOutcome: Sendable, Equatable {
    /// The device's operation was carried out (its own events say how it went).
    case started
    /// Not carried out, and why (another operation waits for the device, it left the revision, the RPC failed…).
    case refused(String)
}

/// How one schedule command is carried out (SPEC §8). The scheduler picks the devices, records the schedule's events
/// and runs fires one after another; a runner carries the command out on the devices it is given, through
/// ``TenantController/submitDisruptive(_:_:)`` for anything that disrupts a device, and returns once its orders on
/// every device have run their step (so same-time schedules do not overlap).
///
/// Every command has its runner in ``ScheduleRunners/standard(syslog:)`` (reboot here; the syslog collection, the
/// config archive's restore and auto-config, and the firmware engine in `ScheduleRunners+Engines.swift`).
public protocol ScheduleCommandRunner: Sendable {
    /// Whether devices that are not connected are acted on too (the auto-config switch, SPEC §8).
    var includesDisconnected: Bool { get }
    func run(_ firing: ScheduleFiring, controller: TenantController) async -> [String: ScheduleDeviceOutcome]
}

/// The runners `cmsd` has, by command.
public struct ScheduleRunners: Sendable {
    public var byCommand: [Schedule.Command: any ScheduleCommandRunner]

    public init(_ byCommand: [Schedule.Command: any ScheduleCommandRunner]) { self.byCommand = byCommand }

    /// What `cmsd` carries out: exactly `ScheduleCommands.carriedOut` (every command of SPEC §8). `syslog` gives a
    /// tenant controller's syslog collector (``Daemon/syslogCollector(for:)``).
    /// `backup` carries out a tenant backup (``Daemon/scheduledBackup(_:firing:)``); nil: every `tenant-backup`
    /// fire is refused with that reason (never silent).
    public static func standard(
        syslog: @escaping @Sendable (TenantController) -> SyslogCollector?,
        backup: (@Sendable (String, ScheduleFiring) async -> ScheduleDeviceOutcome)? = nil
    ) -> ScheduleRunners {
        ScheduleRunners([
            .reboot: RebootRunner(), .fetchSyslog: SyslogFetchRunner(collector: syslog),
            .restoreConfig: ConfigRestoreRunner(), .switchAutoConfig: AutoConfigSwitchRunner(),
            .firmwareUpdate: FirmwareScheduleRunner(), .firmwareUpdateNoReboot: FirmwareScheduleRunner(),
            .tenantBackup: TenantBackupRunner(backup: backup),
        ])
    }
}

/// `tenant-backup`: one backup of the whole tenant (docs/backup.md#by-schedule), the schedule as the user of its
/// `tenant.backup.*` events. Its outcome is keyed by the tenant's code (no device is acted on).
public struct TenantBackupRunner: ScheduleCommandRunner {
    public var includesDisconnected: Bool { true }
    let backup: (@Sendable (String, ScheduleFiring) async -> ScheduleDeviceOutcome)?

    public init(backup: (@Sendable (String, ScheduleFiring) async -> ScheduleDeviceOutcome)?) { self.backup = backup }

    public func run(_ firing: ScheduleFiring, controller: TenantController) async -> [String: ScheduleDeviceOutcome] {
        guard let backup else { return [controller.code: .refused("no tenant backup in this cmsd")] }
        return [controller.code: await backup(controller.code, firing)]
    }
}

/// `reboot`: the vendor `reboot` RPC on each connected target, as a disruptive operation (the tenant's cap, one per
/// device); the expected disconnection is announced to the device's lifecycle first (`device.reboot.started`, no
/// DOWN alarm).
public struct RebootRunner: ScheduleCommandRunner {
    public var includesDisconnected: Bool { false }
    /// Longest wait for the queued reboots to have run their step.
    public var stepTimeout: Duration

    public init(stepTimeout: Duration = .seconds(600)) { self.stepTimeout = stepTimeout }

    public func run(_ firing: ScheduleFiring, controller: TenantController) async -> [String: ScheduleDeviceOutcome] {
        await runDisruptive(
            firing.devices, name: "reboot", user: firing.user, controller: controller, timeout: stepTimeout
        ) { agent in
            await Self.reboot(agent, kind: .reboot)
        }
    }

    /// The reboot RPC on one device, its lifecycle told first (the device may drop the session right after its reply).
    static func reboot(_ agent: DeviceAgent, kind: RebootKind) async -> ScheduleDeviceOutcome {
        do {
            let reply = try await agent.withSession { session in
                await agent.rebootOrdered(kind)
                return try await session.rpc(NXRRPC.reboot(delay: 0).xml(), timeout: nil)
            }
            let errors = reply.errors.filter { !$0.isWarning }
            if errors.isEmpty { return .started }
            let message = errors.map { $0.message ?? $0.tag }.joined(separator: "; ")
            return .refused("the device refused the reboot: \(message)")
        } catch {
            return .refused("\(error)")
        }
    }
}

/// Outcomes as they come in, and a wait for a set of them.
actor OutcomeBox {
    private(set) var outcomes: [String: ScheduleDeviceOutcome] = [:]
    private var waiter: (devices: Set<String>, continuation: CheckedContinuation<Void, Never>)?

    func set(_ device: String, _ outcome: ScheduleDeviceOutcome) {
        outcomes[device] = outcome
        if let waiter, waiter.devices.isSubset(of: Set(outcomes.keys)) {
            self.waiter = nil
            waiter.continuation.resume()
        }
    }

    /// Returns once every device of `devices` has an outcome, or after `timeout` on `clock`.
    func wait(for devices: Set<String>, clock: any Clock<Duration>, timeout: Duration) async {
        guard !devices.isSubset(of: Set(outcomes.keys)) else { return }
        let timer = Task { [weak self] in
            try? await clock.sleep(for: timeout)
            await self?.release()
        }
        await withCheckedContinuation { continuation in waiter = (devices, continuation) }
        timer.cancel()
    }

    private func release() {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume()
        }
    }
}
