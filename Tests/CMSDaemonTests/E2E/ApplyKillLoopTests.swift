import CMSDaemon
import CMSModel
import CMSReconcile
import CMSStore
import Foundation
import Logging
import NXRSim
import TestSupport
import Testing

/// Issue 18: `kill -9` of a **real `cmsd`** 200 times during applies against simulated routers, then the event log
/// checked per revision. Every round commits a new revision (both devices change their MTU), starts `cmsd` when it
/// is not running, and kills it at a point that varies with the round: as soon as the revision's first
/// `gitops.apply.started` is on record, a moment (0–400 ms) after it, or once an outcome of the revision is on
/// record. A last start converges. Then, for every revision, every started apply has exactly one outcome
/// (succeeded, failed or interrupted) with its intent, no outcome lacks its start, some applies were interrupted,
/// both devices run the last revision and no confirmed commit is left pending on them.
///
/// `CMS_KILL_ROUNDS` sets the number of rounds (default 200, the issue's figure; a round takes a few seconds on the
/// shared machine).
@Suite(.serialized, .tags(.peer)) struct ApplyKillLoopTests {
    static var rounds: Int { ProcessInfo.processInfo.environment["CMS_KILL_ROUNDS"].flatMap(Int.init) ?? 200 }
    static let devices = ["nxr01", "nxr02"]

    @Test func killingARealCmsdDuringAppliesLeavesExactlyOneOutcomePerApply() async throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: CrashRecoveryTests.binary),
            "build cmsd first (swift build --build-tests)")
        let harness = try ReconcileHarness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        let crpPort = try LoopbackPort.free()
        let apiPort = try LoopbackPort.free()
        let config = harness.folder.appendingPathComponent("cmsd.yaml")
        try """
            dataFolder: data
            listen: {crp: "127.0.0.1:\(crpPort)", api: "127.0.0.1:\(apiPort)"}
            timing: {retryBase: 300ms, retryCap: 2s, confirmTimeout: 30s, connectTimeout: 10s, rpcTimeout: 20s}
            tenants:
              - code: century
                repo: {url: repo, branch: main}
                pollInterval: 200ms
                driftInterval: 1h
                username: admin
            """.write(to: config, atomically: true, encoding: .utf8)
        let credentials = try TenantCredentials.load(dataFolder: harness.data, tenant: ReconcileHarness.tenant)
        let authorized = try AuthorizedKeys(parsing: credentials.publicKeyLine, source: "tenant key")
        let crpSecret = ReconcileHarness.crpSecret  // sets CMS_CENTURY_CRP_SECRET, which cmsd inherits
        var logger = Logger(label: "e2e.kill-loop")
        logger.logLevel = .critical
        let fleet = Fleet(group: ReconcileHarness.group, logger: logger)
        defer { Task { await fleet.stopAll() } }
        for var settings in try FleetPlan.fromRepo(
            harness.repo, prefix: harness.prefix, port: 0, stateRoot: harness.folder.appendingPathComponent("sims"),
            authorized: authorized, crpServer: "127.0.0.1:\(crpPort)")
        where Self.devices.contains(settings.identity.deviceCode ?? "") {
            settings.crpSecret = crpSecret
            settings.keepalive = 1
            settings.rebootDelay = 0.3
            _ = try fleet.add(settings)
        }
        try await fleet.startAll()
        // Slow replies stretch every apply over a second or so: most kills land inside one.
        var faults = DeviceFaults()
        faults.replyDelay = 0.1
        for device in Self.devices { try await #require(fleet.device(device)).setFaults(faults).get() }

        let statePath = harness.data + "/state.sqlite"
        let eventsPath = harness.data + "/events.sqlite"
        var process: Process?
        var launches = 0
        func launch() throws {
            launches += 1
            process = try CrashRecoveryTests.launch(
                config: config.path, log: harness.folder.appendingPathComponent("cmsd-\(launches % 4).log"))
        }
        var store: SQLiteEventStore?
        func applyEvents(_ revision: String) async throws -> [Event] {
            if store == nil, FileManager.default.fileExists(atPath: eventsPath) {
                store = try SQLiteEventStore(path: eventsPath)
            }
            guard let store else { return [] }
            return try await store.search(EventQuery(tenant: "century", limit: 500)).filter {
                $0.revision == revision && ($0.type == .gitApplyStarted || ApplyRecorder.outcomeTypes.contains($0.type))
            }
        }

        let clock = ContinuousClock()
        let started = clock.now
        var revisions: [String] = []
        var killedMidApply = 0
        for round in 0..<Self.rounds {
            for device in Self.devices { try harness.writeBaseline(device, mtu: 1300 + round % 150) }
            let revision = try harness.commit("round \(round): MTU \(1300 + round % 150)")
            revisions.append(revision)
            if process == nil { try launch() }
            // Wait for the point this round kills at (a condition on the event log, polled).
            let deadline = clock.now + .seconds(120)
            var outcomeSeen = false
            while clock.now < deadline {
                let events = try await applyEvents(revision)
                let hasStart = events.contains { $0.type == .gitApplyStarted }
                outcomeSeen = events.contains { ApplyRecorder.outcomeTypes.contains($0.type) }
                if round % 3 == 2 ? outcomeSeen : hasStart { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            try #require(clock.now < deadline, "round \(round): cmsd started no apply of \(revision.prefix(12))")
            if round % 3 == 1 { try await Task.sleep(for: .milliseconds(Int.random(in: 0...400))) }
            if let running = process {
                kill(running.processIdentifier, SIGKILL)
                running.waitUntilExit()
                #expect(running.terminationReason == .uncaughtSignal)
                process = nil
            }
            if !outcomeSeen || round % 3 != 2 {
                let events = try await applyEvents(revision)
                let ended = Set(events.filter { ApplyRecorder.outcomeTypes.contains($0.type) }.compactMap {
                    $0.details[ApplyRecorder.intentKey]
                })
                if events.contains(where: {
                    $0.type == .gitApplyStarted && !ended.contains($0.details[ApplyRecorder.intentKey] ?? "")
                }) {
                    killedMidApply += 1
                }
            }
        }
        let killing = clock.now - started

        // A last start: everything converges to the last revision and no apply stays open.
        for device in Self.devices { try await #require(fleet.device(device)).setFaults(DeviceFaults()).get() }
        try launch()
        defer {
            process?.terminate()
            process?.waitUntilExit()
        }
        let last = try #require(revisions.last)
        #expect(await eventuallyTrue(timeout: .seconds(180)) {
            for device in Self.devices where try await CrashRecoveryTests.applied(statePath, device: device) != last {
                return false
            }
            return true
        })
        let state = try SQLiteStateStore(path: statePath)
        #expect(await eventuallyTrue(timeout: .seconds(30)) { try await state.openApplies().isEmpty })

        // The event log, per revision.
        let events = try SQLiteEventStore(path: eventsPath)
        let all = try await events.search(EventQuery(tenant: "century", limit: EventQuery.maximumLimit))
        let tagged = all.filter { $0.details[ApplyRecorder.intentKey] != nil }
        let byIntent = Dictionary(grouping: tagged) { $0.details[ApplyRecorder.intentKey] ?? "" }
        var startedApplies = 0
        for start in tagged where start.type == .gitApplyStarted {
            startedApplies += 1
            let intent = start.details[ApplyRecorder.intentKey] ?? ""
            let outcomes = (byIntent[intent] ?? []).filter { ApplyRecorder.outcomeTypes.contains($0.type) }
            #expect(outcomes.count == 1, "intent \(intent) (\(start.revision ?? "-")) has \(outcomes.count) outcomes")
            #expect(outcomes.allSatisfy { $0.revision == start.revision && $0.device == start.device })
        }
        for (intent, group) in byIntent where group.contains(where: { ApplyRecorder.outcomeTypes.contains($0.type) }) {
            #expect(group.contains { $0.type == .gitApplyStarted }, "intent \(intent) has an outcome but no start")
        }
        let untagged = all.filter {
            $0.details[ApplyRecorder.intentKey] == nil
                && ($0.type == .gitApplyStarted || ApplyRecorder.outcomeTypes.contains($0.type))
        }
        #expect(untagged.isEmpty, "every apply event carries its intent: \(untagged.prefix(3))")
        let counts = Dictionary(grouping: tagged, by: \.type).mapValues(\.count)
        #expect((counts[.gitApplyInterrupted] ?? 0) >= 1, "no kill landed mid-apply: recovery was not exercised")
        #expect(startedApplies >= Self.rounds, "every round started at least one apply")

        // The devices: the last revision's MTU, no confirmed commit left pending.
        for device in Self.devices {
            #expect(try await harness.interfaceLeaf(in: fleet, device, "ppp0", "mtu") == "\(1300 + (Self.rounds - 1) % 150)")
            let sim = try #require(fleet.device(device))
            #expect(await eventuallyTrue(timeout: .seconds(30)) { try await !sim.snapshot().get().confirmedCommitPending })
        }
        print(
            "kill loop: \(Self.rounds) × kill -9 of cmsd in \(killing) (\(killedMidApply) with an apply open); "
                + "\(startedApplies) applies started, "
                + counts.filter { $0.key != .gitApplyStarted }.map { "\($0.value) \($0.key.rawValue)" }.sorted()
                .joined(separator: ", "))

        process?.terminate()
        process?.waitUntilExit()
        #expect(process?.terminationStatus == 0, "SIGTERM stops cmsd gracefully")
        process = nil
    }
}
