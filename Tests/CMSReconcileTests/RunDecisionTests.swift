import CMSModel
import CMSReconcile
import Testing

/// The run decision (drift vs apply vs report-only), one row per case.
@Suite("Run decision")
struct RunDecisionTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var changed: [String]
        var lastApplied: String?
        var moved: Set<String> = []
        var drift: Tenant.DriftPolicy
        var expected: RunDecision
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "nothing changed", changed: [], lastApplied: "r2", drift: .correct, expected: .nothingToDo),
        Row(name: "nothing changed, report-only", changed: [], lastApplied: "r2", drift: .reportOnly,
            expected: .nothingToDo),
        Row(name: "a new revision is applied", changed: ["baseline"], lastApplied: "r1", drift: .correct,
            expected: .apply(drifted: false)),
        Row(name: "a new revision is applied under report-only too (it is not drift)", changed: ["baseline"],
            lastApplied: "r1", drift: .reportOnly, expected: .apply(drifted: false)),
        Row(name: "never applied: first apply, not drift", changed: ["baseline"], lastApplied: nil, drift: .reportOnly,
            expected: .apply(drifted: false)),
        Row(name: "drift at the verified revision is corrected", changed: ["baseline"], lastApplied: "r2",
            drift: .correct, expected: .apply(drifted: true)),
        Row(name: "drift at the verified revision is only reported under report-only", changed: ["baseline"],
            lastApplied: "r2", drift: .reportOnly, expected: .reportDrift),
        Row(name: "a moved part alone is applied, not drift", changed: ["ipsec"], lastApplied: "r2", moved: ["ipsec"],
            drift: .reportOnly, expected: .apply(drifted: false)),
        Row(name: "a moved part beside a drifted one is drift", changed: ["ipsec", "baseline"], lastApplied: "r2",
            moved: ["ipsec"], drift: .reportOnly, expected: .reportDrift),
    ]

    @Test(arguments: rows)
    func decides(_ row: Row) {
        #expect(
            RunDecision.decide(
                changedParts: row.changed, revision: "r2", lastAppliedRevision: row.lastApplied, movedParts: row.moved,
                drift: row.drift) == row.expected)
    }

    @Test("a check is quiet only for a device ready at the revision in force")
    func quiet() {
        let t0 = Timestamp.seconds(1_800_000_000)
        var sync = DeviceSyncState(at: t0)
        #expect(!RunDecision.isQuietCheck(sync, revision: "r2"), "pending")
        sync.started(revision: "r2", at: t0)
        sync.finished(ReconcileRecord(started: t0, finished: t0, revision: "r2", outcome: .applied, message: "ok"))
        #expect(RunDecision.isQuietCheck(sync, revision: "r2"))
        #expect(!RunDecision.isQuietCheck(sync, revision: "r3"), "a new revision is not a check")
        sync.queued(at: t0)
        #expect(!RunDecision.isQuietCheck(sync, revision: "r2"), "an operator's reconcile shows as queued")
    }
}
