import CMSModel
import CMSReconcile
import Foundation
import Testing

private let t0 = Timestamp.seconds(1_800_000_000)

private func record(_ outcome: ReconcileRecord.Outcome, _ revision: String, at offset: Int64, _ message: String = "")
    -> ReconcileRecord
{
    ReconcileRecord(
        started: t0 + .seconds(offset), finished: t0 + .seconds(offset + 1), revision: revision, outcome: outcome,
        message: message)
}

@Suite("Device sync state")
struct DeviceSyncStateTests {
    @Test("a new device is pending, then queued and applying while reconciling")
    func progress() {
        var state = DeviceSyncState(at: t0)
        #expect(state.condition.status == .reconciling)
        #expect(state.condition.reason == "Pending")
        state.queued(at: t0 + .seconds(1))
        #expect(state.condition.reason == "Queued")
        #expect(state.condition.since == t0)  // still reconciling: since does not move
        state.started(revision: "abc123", at: t0 + .seconds(2))
        #expect(state.condition.reason == "Applying")
        #expect(state.lastAttemptedRevision == "abc123")
        state.queued(at: t0 + .seconds(3))
        #expect(state.condition.reason == "Applying", "a queued re-run does not hide the run in progress")
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let outcome: ReconcileRecord.Outcome
        let reason: String
        var testDescription: String { "\(outcome.rawValue) → ready/\(reason)" }
    }

    @Test(
        "a successful run makes the device ready and resets the failures",
        arguments: [
            Row(outcome: .applied, reason: "Applied"), Row(outcome: .noChanges, reason: "NoChanges"),
            Row(outcome: .drifted, reason: "Drifted"),
        ])
    func success(row: Row) {
        var state = DeviceSyncState(at: t0)
        state.failed(record(.failed, "r1", at: 1, "boom"), errorClass: .retry, nextRetry: t0 + .seconds(9))
        state.failed(record(.failed, "r1", at: 10, "boom"), errorClass: .retry, nextRetry: t0 + .seconds(30))
        #expect(state.consecutiveFailures == 2)
        state.finished(record(row.outcome, "r2", at: 40))
        #expect(state.condition.status == .ready)
        #expect(state.condition.reason == row.reason)
        #expect(state.condition.since == t0 + .seconds(41))
        #expect(state.consecutiveFailures == 0)
        #expect(state.lastError == nil && state.nextRetry == nil)
        #expect(state.lastAppliedRevision == "r2")
        #expect(state.history.map(\.outcome) == [row.outcome, .failed, .failed])
    }

    struct FailureRow: Sendable, CustomTestStringConvertible {
        let errorClass: ErrorClass
        let status: SyncStatus
        let reason: String
        var testDescription: String { "\(errorClass.rawValue) → \(status.rawValue)/\(reason)" }
    }

    @Test(
        "a failed run's class decides the status",
        arguments: [
            FailureRow(errorClass: .retry, status: .reconciling, reason: "RetryScheduled"),
            FailureRow(errorClass: .wait, status: .stalled, reason: "Unreachable"),
            FailureRow(errorClass: .terminal, status: .stalled, reason: "Failed"),
        ])
    func failure(row: FailureRow) {
        var state = DeviceSyncState(at: t0)
        state.finished(record(.applied, "r1", at: 1))
        let retry: Timestamp? = row.errorClass == .retry ? t0 + .seconds(60) : nil
        state.failed(
            record(.failed, "r2", at: 5, "edit-config failed: bad value"), errorClass: row.errorClass,
            nextRetry: retry)
        #expect(state.condition.status == row.status)
        #expect(state.condition.reason == row.reason)
        #expect(state.condition.message.contains("bad value"))
        #expect(state.lastError == "edit-config failed: bad value")
        #expect(state.nextRetry == retry)
        #expect(state.consecutiveFailures == 1)
        #expect(state.lastAppliedRevision == "r1", "a failure keeps the last applied revision")
    }

    @Test("a record with outcome failed given to finished counts as a terminal failure")
    func finishedFailed() {
        var state = DeviceSyncState(at: t0)
        state.finished(record(.failed, "r1", at: 1, "nope"))
        #expect(state.condition.status == .stalled)
        #expect(state.consecutiveFailures == 1)
        #expect(state.lastAppliedRevision == nil)
    }

    @Test("stalled reasons block without a retry")
    func stalled() {
        var state = DeviceSyncState(at: t0)
        state.failed(record(.failed, "r1", at: 1), errorClass: .retry, nextRetry: t0 + .seconds(5))
        state.stalled(.hostKeyMismatch, message: "host key changed", at: t0 + .seconds(3))
        #expect(
            state.condition
                == SyncCondition(
                    status: .stalled, reason: "HostKeyMismatch", message: "host key changed", since: t0 + .seconds(3)))
        #expect(state.nextRetry == nil)
        state.stalled(reason: "Suspended", message: "suspended in git", at: t0 + .seconds(9))
        #expect(state.condition.reason == "Suspended")
        #expect(state.condition.since == t0 + .seconds(3))
    }

    @Test("a suspended device is its own status, not stalled; a resume queues it")
    func suspended() {
        var state = DeviceSyncState(at: t0)
        state.failed(record(.failed, "r1", at: 1), errorClass: .retry, nextRetry: t0 + .seconds(5))
        state.suspended(at: t0 + .seconds(3))
        #expect(
            state.condition
                == SyncCondition(
                    status: .suspended, reason: "Suspended", message: "suspended in the repository",
                    since: t0 + .seconds(3)))
        #expect(state.nextRetry == nil)
        state.suspended(at: t0 + .seconds(7))
        #expect(state.condition.since == t0 + .seconds(3), "since moves only when the status changes")
        state.queued(at: t0 + .seconds(9))
        #expect(state.condition.status == .reconciling && state.condition.reason == "Queued")
    }

    @Test("history keeps the newest 20 runs, newest first")
    func historyCap() {
        var state = DeviceSyncState(at: t0)
        for index in 0..<45 {
            state.finished(record(.applied, "r\(index)", at: Int64(index) * 10))
        }
        #expect(state.history.count == 20)
        #expect(state.history.first?.revision == "r44")
        #expect(state.history.last?.revision == "r25")
    }

    @Test("survives a JSON round trip")
    func codable() throws {
        var state = DeviceSyncState(at: t0)
        state.started(revision: "r1", at: t0)
        state.failed(record(.failed, "r1", at: 1, "x"), errorClass: .retry, nextRetry: t0 + .seconds(3))
        let data = try JSONEncoder().encode(state)
        #expect(try JSONDecoder().decode(DeviceSyncState.self, from: data) == state)
    }
}

@Suite("Error class")
struct ErrorClassTests {
    @Test(
        "rpc-error tags map to classes",
        arguments: [
            ("lock-denied", ErrorClass.retry), ("in-use", .retry), ("resource-denied", .retry),
            ("operation-failed", .retry), ("invalid-value", .terminal), ("unknown-element", .terminal),
            ("bad-element", .terminal), ("access-denied", .terminal), ("operation-not-supported", .terminal),
            ("something-new", .retry),
        ])
    func tags(tag: String, expected: ErrorClass) {
        #expect(ErrorClass.forRPCError(tag: tag) == expected)
    }

    @Test("retry waits a capped exponential backoff; wait and terminal are not retried on a timer")
    func nextRetry() {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(10), jitterFraction: 0.5)
        #expect(
            ErrorClass.retry.nextRetry(consecutiveFailures: 1, at: t0, backoff: backoff, jitter: 0)
                == t0 + .seconds(1))
        #expect(
            ErrorClass.retry.nextRetry(consecutiveFailures: 3, at: t0, backoff: backoff, jitter: 0)
                == t0 + .seconds(4))
        #expect(
            ErrorClass.retry.nextRetry(consecutiveFailures: 3, at: t0, backoff: backoff, jitter: 1)
                == t0 + .seconds(2))
        #expect(
            ErrorClass.retry.nextRetry(consecutiveFailures: 30, at: t0, backoff: backoff, jitter: 0)
                == t0 + .seconds(10))
        #expect(
            ErrorClass.retry.nextRetry(consecutiveFailures: 0, at: t0, backoff: backoff, jitter: 0)
                == t0 + .seconds(1))
        #expect(ErrorClass.wait.nextRetry(consecutiveFailures: 1, at: t0, jitter: 0) == nil)
        #expect(ErrorClass.terminal.nextRetry(consecutiveFailures: 1, at: t0, jitter: 0) == nil)
    }
}
