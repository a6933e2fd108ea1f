import ArgumentParser
import CMSAPI
import CMSModel
import CMSVersion
import Foundation

/// `--wait [--wait-timeout T]` of `cms refresh` and `cms reconcile`: the "deploy and wait" step of a pipeline.
/// Exit status: 0 applied, 1 failed (lint errors, a stalled device, a failed run), 3 not finished in time.
struct WaitOptions: ParsableArguments {
    @Flag(help: "Wait until the revision (refresh) or the run (reconcile) is applied or has failed.")
    var wait = false

    @Option(
        name: .customLong("wait-timeout"),
        help: "With --wait: give up after this long (e.g. 90s, 5m, 1h; default 10m), exit status 3.")
    var waitTimeout: String = "10m"

    @Option(name: .customLong("poll"), help: "With --wait: seconds between two looks.")
    var poll: Double = 1

    func validate() throws {
        guard Self.seconds(waitTimeout) != nil else {
            throw ValidationError("--wait-timeout: '\(waitTimeout)' is not a duration like 90s, 5m or 1h")
        }
        if poll < 0.1 { throw ValidationError("--poll must be at least 0.1 seconds") }
    }

    /// `90`, `90s`, `5m`, `1h` in seconds.
    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        if let last = text.last, let unit = units[last], let value = Double(text.dropLast()), value > 0 {
            return value * unit
        }
        if let value = Double(text), value > 0 { return value }
        return nil
    }

    var deadline: Date { Date().addingTimeInterval(Self.seconds(waitTimeout) ?? 600) }

    func pause() async { try? await Task.sleep(for: .milliseconds(Int(poll * 1000))) }
}

/// What a wait ended with.
struct WaitOutcome {
    var status: Int32
    var message: String
}

enum Waiter {
    /// Until `revision` is in force and the tenant ready (0), refused by lint or stalled on it (1), or the deadline (3).
    static func revision(
        _ revision: String, tenant: String, client: APIClient, options: WaitOptions
    ) async throws(CLIFailure) -> WaitOutcome {
        let deadline = options.deadline
        var last: TenantStatus?
        while Date() < deadline {
            let status: TenantStatus = try await client.get(["tenants", tenant, "status"])
            last = status
            if status.lastAttemptedRevision == revision, !status.lintErrors.isEmpty {
                return WaitOutcome(
                    status: ExitConvention.result,
                    message: "revision \(revision.prefix(12)) was refused: \(status.lintErrors.count) lint error(s)\n"
                        + status.lintErrors.map { "  " + $0 }.joined(separator: "\n"))
            }
            if status.lastAppliedRevision == revision {
                switch status.condition.status {
                case .ready:
                    return WaitOutcome(status: ExitConvention.success, message: "revision \(revision.prefix(12)) applied: \(status.condition.message)")
                case .stalled:
                    return WaitOutcome(
                        status: ExitConvention.result,
                        message: "revision \(revision.prefix(12)) is in force but the tenant is stalled "
                            + "(\(status.condition.reason)): \(status.condition.message); see cms devices --sync stalled")
                case .reconciling, .suspended: break  // a tenant is never suspended, only its devices
                }
            }
            await options.pause()
        }
        return WaitOutcome(
            status: ExitConvention.unsettled,
            message: "not applied within \(options.waitTimeout): "
                + (last.map { "\($0.condition.status.rawValue) (\($0.condition.reason)) \($0.condition.message)" } ?? "no status"))
    }

    /// Until every device in `devices` has finished a run newer than `before` (its newest run when asked): 0 when
    /// none failed, 1 when one did, 3 at the deadline.
    static func runs(
        of devices: [String], before: [String: Timestamp], tenant: String, client: APIClient, options: WaitOptions
    ) async throws(CLIFailure) -> WaitOutcome {
        let deadline = options.deadline
        var pending = Set(devices)
        var failed: [String] = []
        while Date() < deadline {
            for device in pending.sorted() {
                let detail: DeviceDetail = try await client.get(["tenants", tenant, "devices", device])
                let newest = detail.history.max { $0.finished < $1.finished }
                guard let newest, newest.finished > (before[device] ?? Timestamp(microsecondsSince1970: 0)) else {
                    continue
                }
                guard detail.condition.status != .reconciling else { continue }  // a retry is coming
                pending.remove(device)
                if newest.outcome == .failed || detail.condition.status == .stalled {
                    failed.append("\(device): \(newest.message.isEmpty ? detail.condition.message : newest.message)")
                }
            }
            if pending.isEmpty {
                return failed.isEmpty
                    ? WaitOutcome(status: ExitConvention.success, message: "\(devices.count) device(s) reconciled")
                    : WaitOutcome(
                        status: ExitConvention.result,
                        message: "\(failed.count) of \(devices.count) device(s) failed:\n"
                            + failed.sorted().map { "  " + $0 }.joined(separator: "\n"))
            }
            await options.pause()
        }
        return WaitOutcome(
            status: ExitConvention.unsettled,
            message: "\(pending.count) of \(devices.count) device(s) not finished within \(options.waitTimeout): "
                + pending.sorted().prefix(10).joined(separator: ", "))
    }

    /// The newest finished run of each device now (the baseline a wait compares with).
    static func newestRuns(of devices: [String], tenant: String, client: APIClient) async throws(CLIFailure)
        -> [String: Timestamp]
    {
        var newest: [String: Timestamp] = [:]
        for device in devices {
            let detail: DeviceDetail = try await client.get(["tenants", tenant, "devices", device])
            if let finished = detail.history.map(\.finished).max() { newest[device] = finished }
        }
        return newest
    }
}
