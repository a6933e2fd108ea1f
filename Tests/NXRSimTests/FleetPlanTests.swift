import Foundation
import Testing
@testable import NXRSim

/// Building a fleet's device list from a count or from a tenant repository.
@Suite struct FleetPlanTests {
    let root = URL(fileURLWithPath: "/tmp/unused-state")

    @Test func countAndPrefixGiveConsecutiveLoopbackAddresses() throws {
        let plan = try FleetPlan.fromCount(
            count: 300, prefix: "127.1.0.0", tenant: "century", product: "NXR-125", port: 830, stateRoot: self.root,
            authorized: AuthorizedKeys(), crpServer: nil)
        #expect(plan.count == 300)
        #expect(plan.first?.address == "127.1.0.1")
        #expect(plan.last?.address == "127.1.1.44")
        #expect(plan.last?.identity.deviceCode == "sim300")
        #expect(plan.last?.stateDirectory.lastPathComponent == "sim300")
        #expect(Set(plan.map(\.identity.serial)).count == 300, "serials are unique")
    }

    @Test(arguments: [
        ("127.255.255.250", 10, SimError.Code.notLoopback),
        ("127.1.0.0", 0, SimError.Code.badArgument),
    ])
    func badCountsAndPrefixesAreTypedErrors(prefix: String, count: Int, code: SimError.Code) {
        #expect(throws: SimError.self) {
            _ = try FleetPlan.fromCount(
                count: count, prefix: prefix, tenant: "century", product: "NXR-120", port: 830, stateRoot: self.root,
                authorized: AuthorizedKeys(), crpServer: nil)
        }
        do {
            _ = try FleetPlan.fromCount(
                count: count, prefix: prefix, tenant: "century", product: "NXR-120", port: 830, stateRoot: self.root,
                authorized: AuthorizedKeys(), crpServer: nil)
        } catch {
            #expect(error.code == code)
        }
    }

    @Test func aSingleDeviceRefusesNonLoopbackAddresses() {
        #expect(throws: SimError.self) {
            _ = try FleetPlan.single(
                code: "x", tenant: "century", product: "NXR-120", address: "10.0.0.1", port: 830,
                stateDirectory: self.root, authorized: AuthorizedKeys(), crpServer: nil)
        }
    }

    @Test func aTenantRepositoryGivesItsDevices() throws {
        let repo = FileManager.default.temporaryDirectory.appendingPathComponent("repo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: repo.appendingPathComponent("devices"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: repo.appendingPathComponent("configs/ebisu"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: repo) }
        try "apiVersion: cms/v1\nkind: Tenant\ncode: acme\nname: Acme\ntimeZone: Asia/Tokyo\n"
            .write(to: repo.appendingPathComponent("tenant.yaml"), atomically: true, encoding: .utf8)
        try "apiVersion: cms/v1\nkind: Device\ncode: shinjuku\nproduct: NXR-230\n"
            .write(to: repo.appendingPathComponent("devices/shinjuku.yaml"), atomically: true, encoding: .utf8)
        try
            "apiVersion: cms/v1\nkind: Device\ncode: ebisu\nproduct: NXR-120\n---\napiVersion: cms/v1\nkind: Device\ncode: \"01234567890\"\nproduct: NXR-125\n---\napiVersion: cms/v1\nkind: Device\ncode: parked\nproduct: NXR-120\nsuspended: true\n"
            .write(to: repo.appendingPathComponent("devices/more.yaml"), atomically: true, encoding: .utf8)
        try "not: [yaml".write(
            to: repo.appendingPathComponent("configs/ebisu/ignored.yaml"), atomically: true, encoding: .utf8)
        let plan = try FleetPlan.fromRepo(
            repo, prefix: "127.3.0.0", port: 830, stateRoot: self.root, authorized: AuthorizedKeys(), crpServer: nil)
        #expect(plan.map { $0.identity.deviceCode ?? $0.identity.serial } == ["01234567890", "ebisu", "shinjuku"])
        #expect(plan[0].identity.deviceCode == nil && plan[0].identity.serial == "01234567890")
        #expect(plan.allSatisfy { $0.identity.tenant == "acme" })
        #expect(plan[2].identity.product == "NXR-230")
        #expect(plan.map(\.address) == ["127.3.0.1", "127.3.0.2", "127.3.0.3"])
    }

    @Test func aRepositoryWithoutTenantIsAnError() throws {
        let repo = FileManager.default.temporaryDirectory.appendingPathComponent("repo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: repo) }
        #expect(throws: SimError.self) {
            _ = try FleetPlan.fromRepo(
                repo, prefix: "127.3.0.0", port: 830, stateRoot: self.root, authorized: AuthorizedKeys(), crpServer: nil
            )
        }
    }
}
