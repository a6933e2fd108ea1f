import CMSAPI
import CMSModel
import Foundation
import Testing

@testable import CMSDaemon

/// Issue 17, "Plan before merge", socketless: suspending, resuming and deleting devices show in the plan (they
/// were "No changes"); a working tree sent by `cms plan --local` is linted and planned against live state;
/// `--rev` candidates name a remote branch as the mirror holds it.
@Suite(.tags(.core)) struct CorePlanBeforeMergeTests {
    @Test func suspendingResumingAndDeletingDevicesAreChangesOfThePlan() async throws {
        let harness = try await CoreHarness(ipsec: false)
        let first = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: first) })
        harness.files.withLockedValue { files in
            files["devices/nxr02.yaml"] = (files["devices/nxr02.yaml"] ?? "") + "suspended: true\n"
        }
        let suspending = await harness.commit("suspend nxr02")
        let plan = try await harness.controller.plan(revision: suspending, native: false)
        #expect(plan.suspensions == ["nxr02"])
        #expect(plan.devices.isEmpty, "nothing else changes")
        #expect(plan.hasChanges, "a suspension is a change (it was 'No changes')")

        // Applied, then resumed: the reverse shows.
        await harness.controller.refresh()
        #expect(await harness.settle { await harness.controller.revisionInForce == suspending })
        harness.files.withLockedValue { files in
            files["devices/nxr02.yaml"] = files["devices/nxr02.yaml"]?.replacingOccurrences(of: "suspended: true\n", with: "")
        }
        let resuming = await harness.commit("resume nxr02")
        let back = try await harness.controller.plan(revision: resuming, native: false)
        #expect(back.resumptions == ["nxr02"] && back.suspensions.isEmpty && back.hasChanges)

        // A device gone from git (file and group membership) is a deletion of the plan.
        harness.files.withLockedValue { files in
            files["devices/ebisu.yaml"] = nil
            files["groups/plain.yaml"] = files["groups/plain.yaml"]?.replacingOccurrences(of: "  - device: ebisu\n", with: "")
        }
        let deleting = await harness.commit("retire ebisu")
        let gone = try await harness.controller.plan(revision: deleting, native: false)
        #expect(gone.lintErrors.isEmpty, "\(gone.lintErrors)")
        #expect(gone.deletions == ["ebisu"] && gone.hasChanges, "\(gone.deletions)")
        await harness.stop()
    }

    @Test func aLocalTreeIsLintedAndPlannedAgainstLiveStateWithoutACommit() async throws {
        let harness = try await CoreHarness(ipsec: false)
        let first = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: first) })
        harness.setBaseline("nxr01", mtu: 1280)
        let tree = LocalTree(files: harness.files.withLockedValue { $0 }.mapValues { Data($0.utf8) })
        let plan = try await harness.controller.planLocal(tree, native: true)
        #expect(plan.revision == "local")
        #expect(plan.lintErrors.isEmpty)
        #expect(plan.devices.map(\.device) == ["nxr01"])
        #expect(plan.devices.first?.parts.first?.native?.contains("1280") == true)
        #expect(try await harness.interfaceLeaf("nxr01", "ppp0", "mtu") == "1454", "a plan changes nothing")
        #expect(await harness.controller.revisionInForce == first, "nor the revision in force")

        // A broken tree: lint errors, and no device plan.
        var broken = tree.files
        broken["devices/nxr01.yaml"] = Data("code: nxr01\nproduct: [\n".utf8)
        let refused = try await harness.controller.planLocal(LocalTree(files: broken), native: false)
        #expect(!refused.lintErrors.isEmpty && refused.devices.isEmpty)

        // Paths that leave the tree are refused outright.
        await #expect(throws: APIError.self) {
            try await harness.controller.planLocal(LocalTree(files: ["../etc/passwd": Data()]), native: false)
        }
        await harness.stop()
    }

    @Test func revisionCandidatesNameRemoteBranchesFirstAndCommitsAsThemselves() {
        let cases: [(String, [String])] = [
            ("feature/mtu", ["origin/feature/mtu", "feature/mtu"]),
            ("main", ["origin/main", "main"]),
            ("3f56549", ["3f56549", "origin/3f56549"]),
            ("3f56549bca0e1e2c5b1f0b3e7a2b9f0c1d2e3f4a", ["3f56549bca0e1e2c5b1f0b3e7a2b9f0c1d2e3f4a", "origin/3f56549bca0e1e2c5b1f0b3e7a2b9f0c1d2e3f4a"]),
            ("origin/main", ["origin/main", "origin/origin/main"]),
            ("v1.2", ["origin/v1.2", "v1.2"]),
        ]
        for (requested, expected) in cases { #expect(PlanRevision.candidates(requested) == expected, "\(requested)") }
    }

    @Test func lifecycleChangesAreTheDifferenceOfTwoSnapshots() {
        func snapshot(_ devices: [(String, Bool)]) -> TenantSnapshot {
            TenantSnapshot(
                tenant: Tenant(code: "t", timeZone: "UTC"),
                devices: devices.map { Device(code: $0.0, product: .nxr120, suspended: $0.1) })
        }
        let before = snapshot([("a", false), ("b", true), ("c", false)])
        let after = snapshot([("a", true), ("b", false), ("c", false), ("d", true)])
        let changes = PlanLifecycle.changes(from: before, to: after)
        #expect(changes.suspensions == ["a"], "a new suspended device (d) is not a suspension")
        #expect(changes.resumptions == ["b"])
        #expect(PlanLifecycle.changes(from: nil, to: after).suspensions.isEmpty)
    }
}
