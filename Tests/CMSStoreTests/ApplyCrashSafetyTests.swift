import CMSModel
import CMSReconcile
import CMSStore
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` of a process recording applies (the Applier's sequence: intent, started, device work, outcome, intent
/// closed) at 200 random instants, each restart first recovering like `cmsd` does: every started apply ends with
/// exactly one outcome — succeeded, failed or interrupted — and no outcome lacks its start (issue 18, item 4).
@Suite("Apply crash safety", .serialized)
struct ApplyCrashSafetyTests {
    static let kills = 200

    @Test("200 × kill -9 during applies: per revision, every started apply has exactly one outcome")
    func killsDuringApplies() async throws {
        let folder = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var generator = SystemRandomNumberGenerator()
        for round in 0..<Self.kills {
            // Odd rounds die right after a start (mid-apply), even rounds right after an outcome (between the outcome
            // and the intent's close, or between applies); how many steps pass first varies.
            let marker = round % 2 == 0 ? "finished" : "started"
            let wait = Int.random(in: 1...4, using: &generator)
            let killed = try runAndKill(folder: folder.path, afterLines: wait, marker: marker)
            #expect(killed, "round \(round): the writer must have been killed, not have exited")
        }
        // The last start recovers the last interruption, as cmsd's next start would.
        let final = try run(folder: folder.path, arguments: ["0"])
        #expect(final.status == 0, "recovery-only run failed: \(final.stderr)")

        let events = try SQLiteEventStore(path: folder.appendingPathComponent("events.sqlite").path)
        #expect(try await events.integrityCheck() == ["ok"])
        let all = try await events.search(EventQuery(tenant: "crash", order: .ascending, limit: EventQuery.maximumLimit))
        let tagged = all.filter { $0.details[ApplyRecorder.intentKey] != nil }
        let byIntent = Dictionary(grouping: tagged) { $0.details[ApplyRecorder.intentKey] ?? "" }
        let started = tagged.filter { $0.type == .gitApplyStarted }
        #expect(started.count >= Self.kills / 2, "the kills landed before enough applies started: \(started.count)")
        var perRevision: [String: (started: Int, ended: Int)] = [:]
        for start in started {
            let intent = start.details[ApplyRecorder.intentKey] ?? ""
            let outcomes = (byIntent[intent] ?? []).filter { ApplyRecorder.outcomeTypes.contains($0.type) }
            #expect(outcomes.count == 1, "intent \(intent) (\(start.revision ?? "-")) has \(outcomes.count) outcomes")
            #expect(outcomes.allSatisfy { $0.revision == start.revision && $0.device == start.device })
            perRevision[start.revision ?? "", default: (0, 0)].started += 1
            perRevision[start.revision ?? "", default: (0, 0)].ended += outcomes.count
        }
        for (revision, counts) in perRevision {
            #expect(counts.started == counts.ended, "revision \(revision): \(counts.started) started, \(counts.ended) ended")
        }
        for (intent, group) in byIntent where group.contains(where: { ApplyRecorder.outcomeTypes.contains($0.type) }) {
            #expect(group.contains { $0.type == .gitApplyStarted }, "intent \(intent) has an outcome but no start")
        }
        let interrupted = tagged.filter { $0.type == .gitApplyInterrupted }
        #expect(interrupted.count >= 1, "no kill landed mid-apply: the test did not exercise recovery")
        #expect(interrupted.allSatisfy { $0.severity == .warning && $0.details["started"] != nil })

        let outcomes = Dictionary(grouping: tagged.filter { ApplyRecorder.outcomeTypes.contains($0.type) }, by: \.type)
        print(
            "apply crash safety: \(Self.kills) kills, \(started.count) applies started, "
                + outcomes.map { "\($0.value.count) \($0.key.rawValue)" }.sorted().joined(separator: ", "))
        // Nothing is left to recover: a further start adds no event.
        let again = try run(folder: folder.path, arguments: ["0"])
        #expect(again.status == 0)
        let after = try await events.search(EventQuery(tenant: "crash", order: .ascending, limit: EventQuery.maximumLimit))
        #expect(after.count == all.count, "a second recovery added events")
    }

    @Test("recovery in memory: an open intent without outcome gets one interrupted event, once")
    func recoveryInMemory() async throws {
        let events = InMemoryEventStore()
        let state = InMemoryStateStore()
        let recorder = ApplyRecorder(events: events, state: state)
        let t0 = Timestamp.seconds(100)
        let cut = try await recorder.begin(
            ApplyIntent(tenant: "t", device: "nxr01", revision: "r1", started: t0),
            started: Event(time: t0, tenant: "t", type: .gitApplyStarted, device: "nxr01", revision: "r1"))
        // Died between outcome and close: the outcome is on record, nothing to add.
        let late = try await recorder.begin(
            ApplyIntent(tenant: "t", device: "nxr02", revision: "r1", started: t0),
            started: Event(time: t0, tenant: "t", type: .gitApplyStarted, device: "nxr02", revision: "r1"))
        try await recorder.finish(
            late, outcome: Event(time: t0, tenant: "t", type: .gitApplySucceeded, device: "nxr02", revision: "r1"),
            close: false)
        let open = try await recorder.recoverInterrupted(tenant: "t", now: .seconds(200))
        #expect(Set(open.compactMap(\.id)) == [cut, late])
        _ = try await recorder.recoverInterrupted(tenant: "t", now: .seconds(300))
        let log = try await events.search(EventQuery(tenant: "t", order: .ascending, limit: 100))
        let interrupted = log.filter { $0.type == .gitApplyInterrupted }
        #expect(interrupted.count == 1)
        #expect(interrupted.first?.device == "nxr01" && interrupted.first?.details["intent"] == String(cut))
    }

    /// Starts the writer and SIGKILLs it once it printed `afterLines` lines starting with `marker`; false when it
    /// exited by itself.
    func runAndKill(folder: String, afterLines: Int, marker: String) throws -> Bool {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["applies", folder, "crash", "forever"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = out.fileHandleForReading
        var buffer = Data()
        var seen = 0
        while seen < afterLines {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            seen = String(decoding: buffer, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix(marker) }.count
        }
        kill(process.processIdentifier, SIGKILL)
        _ = reader.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
    }

    func run(folder: String, arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["applies", folder, "crash"] + arguments
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    static var binary: URL { Support.productsDirectory.appendingPathComponent("cms-store-crashtest") }
}
