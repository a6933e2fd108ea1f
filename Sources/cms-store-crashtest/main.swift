// Crash-test writers: a test SIGKILLs them mid-loop and checks what survived.
//
// Usage: cms-store-crashtest <database-path> <tenant> [count]   (count 0 or absent = forever)
//   Appends events in a loop and prints each committed id on its own line, flushed: every reported id must
//   survive the kill.
// Usage: cms-store-crashtest applies <data-folder> <tenant> <count|forever>
//   Starts like cmsd (gives interrupted applies their outcome), then records applies as the Applier does (intent,
//   started, device work, outcome, intent closed), printing `started ID` and `finished ID`. Count 0 only recovers.
//   After any number of kills, every started apply must have exactly one outcome.
import CMSModel
import CMSReconcile
import CMSStore
import Foundation

func say(_ line: String) {
    // One unbuffered write(2) per line: it is out before the next step starts.
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func wallClock() -> Timestamp {
    Timestamp(microsecondsSince1970: Int64(Date().timeIntervalSince1970 * 1_000_000))
}

func appendEvents(path: String, tenant: String, count: Int) async throws {
    let store = try SQLiteEventStore(path: path)
    var sequence = 0
    while count == 0 || sequence < count {
        sequence += 1
        let now = wallClock()
        // Every third append is a batch of three, to exercise multi-row transactions too.
        let batch = sequence % 3 == 0 ? 3 : 1
        let events = (0..<batch).map { index in
            Event(
                time: now, tenant: tenant, type: .deviceConnectSucceeded, device: "nxr\(sequence % 100)",
                details: ["sequence": String(sequence), "index": String(index), "address": "127.0.0.1"])
        }
        let stored = try await store.append(events)
        FileHandle.standardOutput.write(Data(stored.compactMap { $0.id.map { "\($0)\n" } }.joined().utf8))
    }
}

func recordApplies(folder: String, tenant: String, count: Int?) async throws {
    let events = try SQLiteEventStore(path: folder + "/events.sqlite")
    let state = try SQLiteStateStore(path: folder + "/state.sqlite")
    let recorder = ApplyRecorder(events: events, state: state)
    // As TenantController.start: interrupted applies get their outcome, their devices are reconciled again and the
    // intents close after a clean run of the device.
    var open: [String: [Int64]] = [:]
    for intent in try await recorder.recoverInterrupted(tenant: tenant, now: wallClock()) {
        if let id = intent.id { open[intent.device, default: []].append(id) }
    }
    say("recovered \(open.values.map(\.count).reduce(0, +))")
    let generation = ProcessInfo.processInfo.processIdentifier
    var sequence = 0
    while count.map({ sequence < $0 }) ?? true {
        sequence += 1
        let device = "nxr\(sequence % 7)"
        let revision = "rev-\(generation)-\(sequence / 7)"
        let id = try await recorder.begin(
            ApplyIntent(tenant: tenant, device: device, revision: revision, started: wallClock()),
            started: Event(
                time: wallClock(), tenant: tenant, type: .gitApplyStarted, device: device, revision: revision,
                details: ["parts": "interfaces"]))
        say("started \(id)")
        // The device's round trips (edit, commit confirmed, read back): an emulated latency, not a synchronisation.
        try await Task.sleep(for: .milliseconds(2))
        let outcome: Event
        let clean: Bool
        switch sequence % 5 {
        case 0:
            outcome = Event(
                time: wallClock(), tenant: tenant, type: .gitApplyFailed, device: device, revision: revision,
                details: ["error": "the session dropped during the commit", "step": "commit", "class": "retry"])
            clean = false
        case 1:
            outcome = Event(
                time: wallClock(), tenant: tenant, type: .gitApplyFailed, device: device, revision: revision,
                details: ["error": "lock denied", "step": "lock", "class": "retry"])
            clean = true
        default:
            outcome = Event(
                time: wallClock(), tenant: tenant, type: .gitApplySucceeded, device: device, revision: revision,
                details: ["parts": "interfaces"])
            clean = true
        }
        try await recorder.finish(id, outcome: outcome, close: clean)
        if clean {
            for old in open.removeValue(forKey: device) ?? [] { try await state.endApply(old) }
        } else {
            open[device, default: []].append(id)
        }
        say("finished \(id)")
    }
}

let arguments = CommandLine.arguments
do {
    if arguments.count >= 5, arguments[1] == "applies" {
        try await recordApplies(
            folder: arguments[2], tenant: arguments[3], count: arguments[4] == "forever" ? nil : Int(arguments[4]) ?? 0)
    } else if arguments.count >= 3 {
        try await appendEvents(path: arguments[1], tenant: arguments[2], count: arguments.count > 3 ? Int(arguments[3]) ?? 0 : 0)
    } else {
        FileHandle.standardError.write(
            Data(
                "usage: cms-store-crashtest <database-path> <tenant> [count] | applies <data-folder> <tenant> <count|forever>\n"
                    .utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("cms-store-crashtest: \(error)\n".utf8))
    exit(1)
}
