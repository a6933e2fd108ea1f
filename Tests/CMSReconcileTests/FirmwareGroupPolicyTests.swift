import CMSModel
import Foundation
import Testing

@testable import CMSReconcile

private let t0 = Timestamp.seconds(2_000_000)

/// A group's `rollout:` over the tenant's, and the health of a batch's devices during the soak / pause after it
/// (issue 11: per-group policy; a device that does not stay healthy stops the rollout).
@Suite("Firmware group policy and soak health")
struct FirmwareGroupPolicyTests {
    static let image = FirmwareImage(
        name: "v6", product: .nxr230, version: "6.0.1", source: .store, sha256: String(repeating: "a", count: 64))

    static func snapshot(groups: [Group]) -> TenantSnapshot {
        TenantSnapshot(
            tenant: Tenant(
                code: "t", timeZone: "UTC",
                rollout: Tenant.Rollout(
                    maxConcurrent: 40, canary: 0, batchSize: .percent(100), maxFailures: .count(1),
                    windows: ["nights"], transferRetries: 1, rebootDeadlineSeconds: 900)),
            devices: ["a1", "a2", "b1", "c1"].map { Device(code: $0, product: .nxr230) },
            groups: groups, firmware: [image])
    }

    @Test("a group's fields override the tenant's, the fields it does not set stay the tenant's")
    func overrideReplacesOnlyItsFields() {
        let base = Tenant.Rollout(
            maxConcurrent: 40, canary: 0, soakSeconds: 0, batchSize: .percent(100), maxFailures: .count(1),
            pauseSeconds: 0, windows: ["nights"], transferRetries: 1, rebootDeadlineSeconds: 900)
        let override = RolloutOverride(canary: 1, soakSeconds: 600, maxFailures: .count(0), windows: ["sundays"])
        let merged = override.applied(to: base)
        #expect(merged.canary == 1)
        #expect(merged.soakSeconds == 600)
        #expect(merged.maxFailures == .count(0))
        #expect(merged.windows == ["sundays"])
        #expect(merged.maxConcurrent == 40)
        #expect(merged.batchSize == .percent(100))
        #expect(merged.transferRetries == 1)
        #expect(merged.rebootDeadlineSeconds == 900)
        #expect(RolloutOverride().applied(to: base) == base, "an empty override changes nothing")
    }

    @Test("devices of a group with `rollout:` carry its name; the others follow the tenant's policy")
    func plannerNamesThePolicyGroup() {
        let snapshot = Self.snapshot(groups: [
            Group(
                name: "all", firmware: FirmwareTarget(image: "v6"),
                members: ["a1", "a2", "b1", "c1"].map { Member(device: $0) }),
            Group(
                name: "pilot", members: [Member(device: "a1"), Member(device: "a2")],
                rollout: RolloutOverride(canary: 1, maxFailures: .count(0), windows: [])),
        ])
        let desired = FirmwarePlanner.desired(snapshot)
        #expect(desired.map(\.device) == ["a1", "a2", "b1", "c1"])
        #expect(desired.map(\.policyGroup) == ["pilot", "pilot", nil, nil])
        let pilot = FirmwarePlanner.rollout(snapshot, group: "pilot")
        #expect(pilot.canary == 1)
        #expect(pilot.windows == [], "the group lets its devices update at any time")
        #expect(pilot.transferRetries == 1)
        #expect(FirmwarePlanner.rollout(snapshot, group: nil) == snapshot.tenant.rollout)
        let policy = FirmwarePlanner.policy(pilot, count: 2)
        #expect(policy.windows == [])
        #expect(policy.maxFailures == 0)
        #expect(policy.rebootDeadlineSeconds == 900)
    }

    @Test("a canary that stops being healthy during the soak fails and stalls the rollout before the next batch")
    func regressionDuringSoakStalls() {
        var r = FirmwareRollout(
            id: "r", image: "v6", version: "6.0.1", group: "pilot", devices: ["d1", "d2", "d3"], canary: 1,
            batchSize: 2, policy: .init(maxConcurrent: 40, soakSeconds: 300, maxFailures: 0), now: t0)
        #expect(r.group == "pilot")
        _ = r.tick(now: t0, windowOpen: true)
        #expect(r.soakingDevices == [], "nothing is watched while the canary runs")
        _ = r.deviceFinished("d1", .done, now: t0 + .seconds(10), windowOpen: true)
        #expect(r.phase == .soaking)
        #expect(r.waitStarted == t0 + .seconds(10))
        #expect(r.soakingDevices == ["d1"])
        let actions = r.regressed("d1", reason: "rebooted", now: t0 + .seconds(60), windowOpen: true)
        #expect(r.phase == .stalled)
        #expect(actions.count == 1)
        guard case .stalled(_, let failed) = actions.first else {
            Issue.record("expected a stall, got \(actions)")
            return
        }
        #expect(failed == ["d1"])
        #expect(r.devices["d1"] == .failed("rebooted"))
        #expect(r.tick(now: t0 + .seconds(400), windowOpen: true) == [], "nothing new starts")
        #expect(r.devices(in: "pending") == ["d2", "d3"])
    }

    @Test("under the threshold a regression is counted, the rollout goes on after the pause")
    func regressionUnderThresholdContinues() {
        var r = FirmwareRollout(
            id: "r", image: "v6", version: "6.0.1", devices: ["d1", "d2", "d3", "d4"], canary: 0, batchSize: 2,
            policy: .init(maxConcurrent: 40, pauseSeconds: 60, maxFailures: 1), now: t0)
        _ = r.tick(now: t0, windowOpen: true)
        _ = r.deviceFinished("d1", .done, now: t0, windowOpen: true)
        _ = r.deviceFinished("d2", .done, now: t0, windowOpen: true)
        #expect(r.phase == .pausing)
        #expect(r.soakingDevices == ["d1", "d2"])
        #expect(r.regressed("d2", reason: "runs 5.0.0", now: t0 + .seconds(5), windowOpen: true) == [])
        #expect(r.phase == .pausing)
        #expect(r.soakingDevices == ["d1"])
        let next = r.tick(now: t0 + .seconds(60), windowOpen: true)
        #expect(next.contains(.start("d3")) && next.contains(.start("d4")))
        #expect(r.regressed("d3", reason: "x", now: t0 + .seconds(61), windowOpen: true) == [], "only done devices regress")
        #expect(r.counts["failed"] == 1)
    }

    @Test("a rollout saved before per-group policies existed still decodes (no group, the tenant's settings)")
    func oldJournalDecodes() throws {
        let r = FirmwareRollout(
            id: "r", image: "v6", version: "6.0.1", devices: ["d1"], canary: 0, batchSize: 1,
            policy: .init(maxConcurrent: 4), now: t0)
        let encoded = try JSONEncoder().encode(r)
        var object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        object["group"] = nil
        var policy = try #require(object["policy"] as? [String: Any])
        for key in ["windows", "transferRetries", "rebootDeadlineSeconds"] { policy[key] = nil }
        object["policy"] = policy
        let decoded = try JSONDecoder().decode(FirmwareRollout.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(decoded.group == nil)
        #expect(decoded.policy.windows == nil)
        #expect(decoded.policy.maxConcurrent == 4)
    }
}
