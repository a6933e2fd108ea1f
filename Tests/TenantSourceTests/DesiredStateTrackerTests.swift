import CMSModel
import CMSReconcile
import CMSSchema
import Testing

@Suite("The desired-state tracker keeps the last good revision in force")
struct DesiredStateTrackerTests {
    static func revision(_ commit: String, _ severities: [Diagnostic.Severity], author: String = "Carol") -> Revision {
        let diagnostics = severities.enumerated().map { index, severity in
            Diagnostic(
                ruleID: "test.rule", severity: severity, file: "devices/a\(index).yaml", line: index + 1, column: 1,
                message: "finding \(index)")
        }
        let clean = !severities.contains(.error)
        let snapshot =
            clean
            ? TenantSnapshot(
                tenant: Tenant(code: "century", timeZone: "Asia/Tokyo"), devices: [], groups: [], schedules: [],
                mail: nil, firmware: []) : nil
        return Revision(
            commit: commit, authorName: author, authorEmail: "\(author.lowercased())@example.jp", time: .seconds(5),
            message: "m", snapshot: snapshot, diagnostics: diagnostics)
    }

    enum Expected: Equatable { case apply, keepLastGood, nothingInForce, unchanged }

    static let cases: [(String, [(String, [Diagnostic.Severity])], Expected, String?, [EventType])] = [
        ("clean first revision is applied", [("c1", [])], .apply, "c1", [.gitRevisionFetched]),
        ("warnings only are applied", [("c1", [.warning, .warning])], .apply, "c1", [.gitRevisionFetched]),
        (
            "broken first revision applies nothing", [("c1", [.error])], .nothingInForce, nil,
            [.gitRevisionFetched, .gitLintFailed]
        ),
        (
            "broken after good keeps the good one", [("c1", []), ("c2", [.warning, .error])], .keepLastGood, "c1",
            [.gitRevisionFetched, .gitLintFailed]
        ),
        ("same commit again is unchanged", [("c1", []), ("c1", [])], .unchanged, "c1", []),
        (
            "fixed after broken is applied", [("c1", []), ("c2", [.error]), ("c3", [])], .apply, "c3",
            [.gitRevisionFetched]
        ),
        (
            "broken commit seen twice reports once", [("c1", []), ("c2", [.error]), ("c2", [.error])], .unchanged,
            "c1", []
        ),
    ]

    @Test("decisions and events for a sequence of revisions", arguments: cases.indices)
    func decisions(index: Int) throws {
        let (name, sequence, expected, inForce, eventTypes) = Self.cases[index]
        var tracker = DesiredStateTracker(tenant: "century")
        var last: DesiredStateUpdate?
        for (commit, severities) in sequence {
            last = tracker.observe(Self.revision(commit, severities), at: .seconds(100))
        }
        let update = try #require(last, "\(name)")
        let kind: Expected =
            switch update.decision {
            case .apply: .apply
            case .keepLastGood: .keepLastGood
            case .nothingInForce: .nothingInForce
            case .unchanged: .unchanged
            case .fetchFailed: .unchanged
            }
        #expect(kind == expected, "\(name)")
        #expect(tracker.lastAppliedRevision == inForce, "\(name)")
        #expect(tracker.lastAttemptedRevision == sequence.last?.0, "\(name)")
        #expect(update.events.map(\.type) == eventTypes, "\(name)")
        #expect(update.events.allSatisfy { $0.user == "Carol <carol@example.jp>" && $0.tenant == "century" })
    }

    @Test("a broken first revision says that nothing is in force")
    func nothingInForceMessage() {
        var tracker = DesiredStateTracker(tenant: "century")
        let update = tracker.observe(Self.revision("abc", [.error, .error]), at: .seconds(1))
        let failure = update.events.last
        #expect(failure?.type == .gitLintFailed)
        #expect(failure?.message.contains("2 errors") == true)
        #expect(failure?.message.contains("no revision is in force") == true)
        #expect(failure?.details["first"] == "devices/a0.yaml:1: finding 0 [test.rule]")
    }

    @Test("a tracker resumed after a restart treats the applied commit as unchanged")
    func resumed() {
        let applied = Self.revision("c9", [])
        var tracker = DesiredStateTracker(tenant: "century", lastApplied: applied)
        #expect(!tracker.needsLoad("c9"))
        #expect(tracker.observe(applied, at: .seconds(1)).decision == .unchanged(commit: "c9"))
    }

    @Test("fetch failures are reported when they start or change, not on every retry, and keep what is in force")
    func fetchFailures() {
        var tracker = DesiredStateTracker(tenant: "century")
        _ = tracker.observe(Self.revision("c1", []), at: .seconds(1))
        let first = tracker.fetchFailed("network down", at: .seconds(2))
        #expect(first.decision == .fetchFailed(error: "network down"))
        #expect(first.events.map(\.type) == [.gitFetchFailed])
        #expect(first.events.first?.details["error"] == "network down")
        #expect(first.events.first?.user == nil)
        #expect(tracker.fetchFailed("network down", at: .seconds(3)).events.isEmpty)
        #expect(tracker.fetchFailed("branch gone", at: .seconds(4)).events.count == 1)
        #expect(tracker.lastAppliedRevision == "c1")
        _ = tracker.observe(Self.revision("c1", []), at: .seconds(5))
        #expect(tracker.lastFetchError == nil)
        #expect(tracker.fetchFailed("branch gone", at: .seconds(6)).events.count == 1)
    }

    @Test("the in-memory source lints its commits like the git source and fails fetches on request")
    func inMemorySource() async throws {
        let source = InMemoryDesiredStateSource(tenant: "century")
        await #expect(throws: InMemoryDesiredStateSource.SourceError.noCommits(tenant: "century")) {
            try await source.fetch()
        }
        let good = await source.commit([
            "tenant.yaml": "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: Asia/Tokyo\n",
            "devices/a1.yaml": "apiVersion: cms/v1\nkind: Device\ncode: a1\nproduct: NXR-120\n",
            "configs/a1/notes.yaml": "not: [linted",
        ])
        #expect(try await source.fetch() == good)
        let revision = try await source.load(revision: good)
        #expect(revision.isApplicable, "\(revision.diagnostics)")
        #expect(revision.snapshot?.devices.map(\.code) == ["a1"])
        let bad = await source.commit(
            [
                "tenant.yaml": "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: Asia/Tokyo\n",
                "devices/a1.yaml": "apiVersion: cms/v1\nkind: Device\ncode: a1\nproduct: NXR-999\n",
            ],
            authorName: "Dan")
        var tracker = DesiredStateTracker(tenant: "century")
        _ = tracker.observe(revision, at: .seconds(1))
        let update = tracker.observe(try await source.load(revision: try await source.fetch()), at: .seconds(2))
        guard case .keepLastGood(let rejected, let inForce) = update.decision else {
            Issue.record("expected keepLastGood, got \(update.decision)")
            return
        }
        #expect(rejected.commit == bad && inForce.commit == good)
        await source.failNextFetch("simulated outage")
        await #expect(throws: InMemoryDesiredStateSource.SourceError.injected("simulated outage")) {
            try await source.fetch()
        }
        #expect(try await source.fetch() == bad)
    }
}
