import CMSAPI
import CMSDaemon
import CMSModel
import Foundation
import NXRSim
import Testing

/// `cms exec` and syslog collection wired end to end: a real `Daemon` over libssh2 NETCONF sessions to `nxr-sim`
/// devices (NIO-SSH), every kind of command, a multi-MiB result over SSH, and syslog files on disk.
@Suite(.serialized, .tags(.peer)) struct DiagnosticsPeerTests {
    static func head(_ harness: ReconcileHarness) throws -> String {
        try harness.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func drain(_ output: ChunkedOutput) async throws -> String {
        var bytes: [UInt8] = []
        while let chunk = try await output.next() { bytes += chunk }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func everyKindRunsOverSSHAndABigResultArrivesWhole() async throws {
        let harness = try ReconcileHarness()
        try await harness.start()
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: try Self.head(harness)) })
        let daemon = try #require(harness.daemon)
        let kinds: [(ExecCommand, String)] = [
            (ExecCommand(kind: .show, arguments: "version"), "Century Systems"),
            (ExecCommand(kind: .syslog), "netconf"),
            (ExecCommand(kind: .techSupport), "===== show config ====="),
            (ExecCommand(kind: .arp), "HW address"),
            (ExecCommand(kind: .route, family: .ipv4, table: .rib), "(routing information base)"),
            (ExecCommand(kind: .route, family: .ipv6, table: .cache), "Route cache (IPv6)"),
            (ExecCommand(kind: .ping, destination: "192.0.2.1", count: 2, source: "192.0.2.9"), "from 192.0.2.9"),
            (ExecCommand(kind: .traceroute, family: .ipv6, destination: "2001:db8::1", icmp: true), "ICMP probes"),
            (ExecCommand(kind: .packetDump, interface: "ethernet0", seconds: 10, packets: 5), "ethernet0 IP"),
        ]
        for (command, expected) in kinds {
            let text = try await Self.drain(
                try await daemon.exec(ReconcileHarness.tenant, device: "nxr01", command: command, user: "ops"))
            #expect(text.contains(expected), "\(command.commandLine): \(text)")
        }
        // The device's own check (YANG and its CLI) answers too.
        await #expect(throws: APIError.self) {
            try await daemon.exec(
                ReconcileHarness.tenant, device: "nxr01", command: ExecCommand(kind: .show, arguments: "bogus"),
                user: "ops")
        }
        // A multi-MiB result over SSH, complete.
        var faults = DeviceFaults()
        faults.techSupportBytes = 5 << 20
        try await #require(harness.fleet.device("nxr02")).setFaults(faults).get()
        let big = try await Self.drain(
            try await daemon.exec(
                ReconcileHarness.tenant, device: "nxr02", command: ExecCommand(kind: .techSupport), user: "ops"))
        #expect(big.utf8.count >= 5 << 20 && big.hasSuffix("===== end =====\n"))
        let events = try await harness.events(.deviceExecSucceeded)
        #expect(events.count == kinds.count + 1 && events.allSatisfy { $0.user == "ops" })
        let failed = try await harness.events(.deviceExecFailed)
        #expect(failed.first?.details["command"] == "show bogus")

        // Syslog collection: a group fetch writes one gzip file per member under the data folder.
        let report = try await daemon.fetchSyslog(ReconcileHarness.tenant, target: .group("IPsec-mesh"), user: "ops")
        #expect(report.results.map(\.device) == ["nxr01", "nxr02", "nxr03"])
        #expect(report.results.allSatisfy { $0.file != nil }, "\(report)")
        let list = try await daemon.syslogFiles(ReconcileHarness.tenant, device: "nxr03")
        #expect(list.files.count == 1)
        let path = harness.data + "/tenants/century/syslog/nxr03/" + list.files[0].name
        #expect(FileManager.default.fileExists(atPath: path))
        let text = try await Self.drain(try await daemon.syslogFile(ReconcileHarness.tenant, device: "nxr03", index: 1))
        #expect(text.contains("netconf"))
        let fetched = try await harness.events(.syslogFetchSucceeded)
        #expect(fetched.count == 3)
        await harness.stop()
    }
}
