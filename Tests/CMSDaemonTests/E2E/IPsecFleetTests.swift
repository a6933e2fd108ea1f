import CMSAPI
import CMSDaemon
import CMSModel
import CMSPlan
import Foundation
import Logging
import NETCONF
import NXRModel
import NXRSim
import TestSupport
import Testing

/// IPsec distribution end to end: the real daemon on loopback, a real git repository (examples/tenant-repo: the
/// guide's mesh nxr01–nxr03 and star star_center + star_backup + star_nxr01–04) and an in-process NXRSim fleet
/// whose devices announce themselves and report `get-ipsec-status` from the policies they really hold.
@Suite("IPsec on a simulated fleet", .serialized, .tags(.peer))
struct IPsecFleetTests {
    static let mesh = ["nxr01", "nxr02", "nxr03"]
    static let spokes = ["star_nxr01", "star_nxr02", "star_nxr03", "star_nxr04"]

    /// The managed (`cms-`) policies a simulated device holds now.
    static func held(_ harness: ReconcileHarness, _ device: String) async throws -> ManagedPolicies {
        let sim = try #require(harness.fleet.device(device))
        return ManagedPolicies(config: try NXRConfig(xml: try await sim.runningTree().get()))
    }

    /// Waits until none of `devices` has had an operation running for a whole second.
    static func quiet(_ harness: ReconcileHarness, _ devices: [String]) async -> Bool {
        var calm = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            var busy = false
            for device in devices {
                let state = try? await harness.daemon.device(ReconcileHarness.tenant, code: device).summary.state
                if state != .connected { busy = true }
            }
            calm = busy ? 0 : calm + 1
            if calm >= 10 { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Waits until the group is all connected with every member registered.
    static func comesUp(_ harness: ReconcileHarness, _ group: String) async -> Bool {
        await eventuallyTrue(timeout: .seconds(90)) {
            let status = try await Self.status(harness, group)
            return status.state == .allConnected && status.members.allSatisfy { $0.registration == .registered }
        }
    }

    static func status(_ harness: ReconcileHarness, _ group: String) async throws -> IPsecGroupStatus {
        try await harness.daemon.ipsecStatus(ReconcileHarness.tenant, group: group, refresh: true)
    }

    static func table(_ status: IPsecGroupStatus, _ device: String) -> String {
        (status.members.first { $0.device == device }?.peers ?? [])
            .map { "\($0.peer):\($0.selfToPeer.rawValue)/\($0.peerToSelf.rawValue)" }.joined(separator: " ")
    }

    @Test("the guide's 3-device mesh comes up all connected, every member registered, with IPsec events")
    func meshComesUp() async throws {
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        try await harness.start()
        let up = await Self.comesUp(harness, "IPsec-mesh")
        let status = try await Self.status(harness, "IPsec-mesh")
        #expect(up, "\(status)")
        #expect(Self.table(status, "nxr01") == "nxr02:up/up nxr03:up/up")
        // Each member holds exactly two tunnels of the mesh, towards the peers' announced addresses.
        for device in Self.mesh {
            let held = try await Self.held(harness, device)
            #expect(held.ipsecPolicies.map(\.name) == Self.mesh.filter { $0 != device }.map { "cms-IPsec-mesh-\($0)" })
            for policy in held.ikePolicies {
                let peer = String(policy.name.split(separator: "-").last ?? "")
                let address = try await #require(harness.fleet.device(peer)).snapshot().get().address
                #expect(policy.peer == .address(address), "\(device) → \(peer)")
            }
        }
        let added = try await harness.events(.ipsecAddSucceeded)
        #expect(Set(added.compactMap(\.device)).isSuperset(of: Self.mesh))
        #expect(added.contains { $0.group == "IPsec-mesh" })
        #expect(try await !harness.events(.ipsecAddStarted).isEmpty)
        // A group that is not an IPsec group (or does not exist) has no IPsec status.
        for name in ["monitored", "no-such-group"] {
            await #expect(throws: APIError.self) {
                _ = try await harness.daemon.ipsecStatus(ReconcileHarness.tenant, group: name, refresh: false)
            }
        }
    }

    @Test("the guide's star with a backup center comes up on the center, fails over to the backup, and back")
    func starFailsOver() async throws {
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        try await harness.start()
        let up = await Self.comesUp(harness, "IPsec-star")
        var status = try await Self.status(harness, "IPsec-star")
        #expect(up, "\(status)")
        #expect(Self.table(status, "star_nxr01") == "star_backup:up/up star_center:up/up")
        #expect(status.members.first { $0.device == "star_center" }?.role == "center")
        #expect(status.members.first { $0.device == "star_backup" }?.role == "backup-center")

        // The center becomes unreachable: every spoke still reaches the backup.
        let center = try #require(harness.fleet.device("star_center"))
        try await center.stop().get()
        let failedOver = await eventuallyTrue(timeout: .seconds(30)) {
            let status = try await Self.status(harness, "IPsec-star")
            return status.members.first { $0.device == "star_center" }?.peers.allSatisfy {
                $0.selfToPeer == .notFetched
            }
                == true
        }
        status = try await Self.status(harness, "IPsec-star")
        #expect(failedOver, "\(status)")
        #expect(status.state == .allConnected)
        for spoke in Self.spokes {
            let rows = try #require(status.members.first { $0.device == spoke }?.peers)
            #expect(
                rows.first { $0.peer == "star_backup" }.map { $0.selfToPeer == .up && $0.peerToSelf == .up } == true)
            #expect(rows.first { $0.peer == "star_center" }?.peerToSelf == .notFetched)
        }

        // The center comes back.
        try await center.start().get()
        let back = await eventuallyTrue(timeout: .seconds(60)) {
            let status = try await Self.status(harness, "IPsec-star")
            return status.state == .allConnected
                && status.members.first { $0.device == "star_center" }?.peers.allSatisfy {
                    $0.selfToPeer == .up && $0.peerToSelf == .up
                } == true
        }
        let final = try await Self.status(harness, "IPsec-star")
        #expect(back, "\(final)")
    }

    @Test("deleting the group removes exactly its policies from every member, hand-made ones stay")
    func groupDeletion() async throws {
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        try await harness.start()
        let registered = await eventuallyTrue(timeout: .seconds(90)) {
            for device in Self.mesh where try await Self.held(harness, device).ipsecPolicies.count != 2 { return false }
            return true
        }
        #expect(registered)
        // Let in-flight runs finish first: a hand edit made to running while a candidate commit is under way is
        // overwritten by that commit (running = candidate), as on a real device (see the session notes).
        #expect(await Self.quiet(harness, Self.mesh))
        // A policy made by hand on nxr01.
        let ns = NXRNamespace.uri
        // Valid by schemas/nxr.yang (IKE IDs mandatory, a key of 8-128 characters): the simulator validates the whole datastore at
        // each commit, so an invalid hand-made policy would make every later commit on nxr01 fail.
        let hand = IKEPolicy(
            name: "office", localID: IKEID(value: "office.example"), remoteID: IKEID(value: "peer.example"),
            peer: .address("192.0.2.50"), preSharedKey: "made-by-hand")
        let handIPsec = IPsecPolicy(
            name: "office", ikePolicy: "office", localInterface: "ethernet1", localNetwork: .prefix("192.168.0.0/24"),
            remoteNetwork: .prefix("192.168.50.0/24"))
        let errors = try await #require(harness.fleet.device("nxr01")).changeOutOfBand([
            XMLElement("ipsec", namespace: ns, elements: [hand.xml(), handIPsec.xml()])
        ]).get()
        #expect(errors.isEmpty)

        try FileManager.default.removeItem(at: harness.repo.appendingPathComponent("groups/ipsec-mesh.yaml"))
        try harness.commit("delete the mesh")
        let cleaned = await eventuallyTrue(timeout: .seconds(60)) {
            for device in Self.mesh where try await !Self.held(harness, device).isEmpty { return false }
            return true
        }
        #expect(cleaned)
        let config = try NXRConfig(xml: try await #require(harness.fleet.device("nxr01")).runningTree().get())
        #expect(config.ikePolicies == [hand])
        #expect(config.ipsecPolicies == [handIPsec])
        #expect(try await harness.events(.ipsecDeleteSucceeded).contains { $0.device == "nxr02" })
        // The star is untouched.
        #expect(try await Self.held(harness, "star_center").ipsecPolicies.count == 4)
    }

    @Test("a device deleted from git loses its cms- policies before it is let go, and its peers drop theirs to it")
    func deviceDeletion() async throws {
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        try await harness.start()
        let registered = await eventuallyTrue(timeout: .seconds(90)) {
            for device in Self.mesh where try await Self.held(harness, device).ipsecPolicies.count != 2 { return false }
            return true
        }
        #expect(registered)
        let group = harness.repo.appendingPathComponent("groups/ipsec-mesh.yaml")
        let text = try String(contentsOf: group, encoding: .utf8)
        let withoutNxr03 = text.replacingOccurrences(
            of: "  - device: nxr03\n    wan: ppp0\n    lan: 172.16.3.0/24\n", with: "")
        #expect(withoutNxr03 != text)
        try withoutNxr03.write(to: group, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: harness.repo.appendingPathComponent("devices/nxr03.yaml"))
        let configs = harness.repo.appendingPathComponent("configs/nxr03")
        if FileManager.default.fileExists(atPath: configs.path) { try FileManager.default.removeItem(at: configs) }
        let revision = try harness.commit("nxr03 closes")
        let deleted = await eventuallyTrue(timeout: .seconds(60)) {
            try await harness.events(.deviceDeleted).contains { $0.device == "nxr03" && $0.revision == revision }
        }
        #expect(deleted)
        let event = try await harness.events(.deviceDeleted).first { $0.device == "nxr03" }
        #expect(event?.details["cleanup"] == "removed", "\(String(describing: event?.details))")
        #expect(try await Self.held(harness, "nxr03").isEmpty, "nothing of ours stays on the deleted device")
        let peersFollow = await eventuallyTrue(timeout: .seconds(60)) {
            for device in ["nxr01", "nxr02"] where try await Self.held(harness, device).ipsecPolicies.count != 1 {
                return false
            }
            return true
        }
        #expect(peersFollow)
    }

    @Test("IPsec status is refreshed from the devices periodically, not only on demand")
    func periodicStatus() async throws {
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        try await harness.start(drift: .milliseconds(500))
        let up = await eventuallyTrue(timeout: .seconds(90)) {
            try await harness.daemon.ipsecStatus(ReconcileHarness.tenant, group: "IPsec-mesh", refresh: true).state
                == .allConnected
        }
        #expect(up)
        let first = try await harness.daemon.ipsecStatus(ReconcileHarness.tenant, group: "IPsec-mesh", refresh: false)
        let firstFetch = try #require(first.fetched)
        let later = await eventuallyTrue(timeout: .seconds(20)) {
            let next = try await harness.daemon.ipsecStatus(ReconcileHarness.tenant, group: "IPsec-mesh", refresh: false)
            return (next.fetched ?? firstFetch) > firstFetch
        }
        #expect(later, "a status read without refresh shows a newer fetch: the daemon re-read it on its own")
    }

    @Test("a spoke's address change is followed by the center and the backup")
    func addressChange() async throws {
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        try await harness.start()
        let spoke = "star_nxr02"
        let old = try await #require(harness.fleet.device(spoke)).snapshot().get().address
        let pushed = await eventuallyTrue(timeout: .seconds(90)) {
            let held = try await Self.held(harness, "star_center")
            return held.ikePolicy("cms-IPsec-star-\(spoke)")?.peer == .address(old)
        }
        #expect(pushed)
        // The spoke comes back on another address (a new PPPoE lease): same state folder, same host key.
        let sim = try #require(harness.fleet.device(spoke))
        let settings = try await sim.snapshot().get()
        try await sim.stop().get()
        let moved = try #require(LoopbackAddress.adding(200, to: harness.prefix))
        var logger = Logger(label: "moved")
        logger.logLevel = .critical
        let second = Fleet(group: ReconcileHarness.group, logger: logger)
        var item = try FleetPlan.single(
            code: spoke, tenant: ReconcileHarness.tenant, product: settings.identity.product, address: moved, port: 0,
            stateDirectory: harness.folder.appendingPathComponent("sims").appendingPathComponent(spoke),
            authorized: harness.authorized, crpServer: harness.crpServer)
        item.keepalive = 3600
        item.crpSecret = ReconcileHarness.crpSecret
        let device = try second.add(item)
        try await device.start().get()
        defer { Task { await second.stopAll() } }
        let followed = await eventuallyTrue(timeout: .seconds(60)) {
            let center = try await Self.held(harness, "star_center").ikePolicy("cms-IPsec-star-\(spoke)")?.peer
            let backup = try await Self.held(harness, "star_backup").ikePolicy("cms-IPsec-star-\(spoke)")?.peer
            return center == .address(moved) && backup == .address(moved)
        }
        #expect(followed)
        // Following a peer's new address is not drift.
        #expect(try await harness.events(.gitDriftDetected).filter { ["star_center", "star_backup"].contains($0.device ?? "") }.isEmpty)
        // Only the policies towards the moved spoke changed on the center.
        let center = try await Self.held(harness, "star_center")
        for policy in center.ikePolicies where policy.name != "cms-IPsec-star-\(spoke)" {
            let peer = String(policy.name.split(separator: "-").last ?? "")
            let address = try await #require(harness.fleet.device(peer)).snapshot().get().address
            #expect(policy.peer == .address(address))
        }
    }

    /// `siteNN` devices and the mesh `big` of the first `members` of them.
    static func writeBigMesh(_ harness: ReconcileHarness, sites: Int, members: Int) throws {
        for i in 0..<sites {
            try harness.write(
                "devices/site\(String(format: "%02d", i)).yaml",
                "apiVersion: cms/v1\nkind: Device\ncode: site\(String(format: "%02d", i))\nproduct: NXR-120\n")
        }
        var group =
            "apiVersion: cms/v1\nkind: Group\nname: big\ntype: ipsec-mesh\nipsec:\n  lowerLayer: ipv4\nmembers:\n"
        for i in 0..<members {
            group += "  - device: site\(String(format: "%02d", i))\n    wan: ppp0\n    lan: 10.\(i).0.0/16\n"
        }
        try harness.write("groups/big.yaml", group)
    }

    @Test("a site added to a 20-device mesh converges with only the needed changes")
    func siteAddedToBigMesh() async throws {
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        // 19 sites in the mesh, a 20th declared (and running) but not a member yet.
        try Self.writeBigMesh(harness, sites: 20, members: 19)
        try harness.commit("a 19-site mesh")
        try await harness.start()
        let sites = (0..<20).map { "site" + String(format: "%02d", $0) }
        let up = await eventuallyTrue(timeout: .seconds(120)) {
            let status = try await Self.status(harness, "big")
            return status.state == .allConnected && status.members.allSatisfy { $0.registration == .registered }
        }
        #expect(up)
        var before: [String: ManagedPolicies] = [:]
        for site in sites { before[site] = try await Self.held(harness, site) }
        #expect(before["site19"]?.isEmpty == true)
        let startedBefore = try await harness.events(.gitApplyStarted).count

        try Self.writeBigMesh(harness, sites: 20, members: 20)
        let commit = try harness.commit("site19 joins the mesh")
        let converged = await eventuallyTrue(timeout: .seconds(120)) {
            let status = try await Self.status(harness, "big")
            return status.state == .allConnected && status.members.count == 20
                && status.members.allSatisfy { $0.registration == .registered }
        }
        let status = try await Self.status(harness, "big")
        #expect(converged, "\(status)")
        for site in sites.dropLast() {
            let after = try await Self.held(harness, site)
            let old = try #require(before[site])
            // Exactly one new tunnel, every other policy byte-identical.
            #expect(after.ikePolicies.filter { $0.name != "cms-big-site19" } == old.ikePolicies, "\(site)")
            #expect(after.ipsecPolicies.filter { $0.name != "cms-big-site19" } == old.ipsecPolicies, "\(site)")
            #expect(after.ikePolicies.count == old.ikePolicies.count + 1)
        }
        #expect(try await Self.held(harness, "site19").ipsecPolicies.count == 19)
        // The applies of that commit on the old members only added the new tunnel.
        let applies = try await harness.events(.gitApplyStarted).dropFirst(0).filter {
            $0.revision == commit && ($0.device ?? "").hasPrefix("site") && $0.device != "site19"
        }
        #expect(applies.count >= 19)
        #expect(try await harness.events(.gitApplyStarted).count > startedBefore)
        for event in applies {
            let lines = (event.details["changes"] ?? "").components(separatedBy: "; ")
            #expect(
                lines.count == 2 && lines.allSatisfy { $0.hasPrefix("+ ") && $0.contains("cms-big-site19") },
                "\(event.device ?? ""): \(lines)")
        }
    }
}
