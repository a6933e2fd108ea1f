import CMSAPI
import CMSDaemon
import CMSModel
import Foundation
import NXRSimMemory
import TestSupport
import Testing

/// `cms exec` and syslog collection in the daemon, against in-memory devices (no socket, manual clock): every kind of
/// command answers the device's text, the API user is in the event, a multi-MiB result comes out complete in chunks,
/// the size guard says so, the diagnostics cap is not the work queue's, and 5 syslog files are kept per device.
@Suite(.tags(.core)) struct CoreDiagnosticsTests {
    /// Pulls every chunk; returns the text and the largest chunk.
    static func drain(_ output: ChunkedOutput) async throws -> (text: String, chunks: Int, largest: Int) {
        var bytes: [UInt8] = []
        var chunks = 0
        var largest = 0
        while let chunk = try await output.next() {
            bytes += chunk
            chunks += 1
            largest = max(largest, chunk.count)
        }
        let after = try await output.next()
        #expect(after == nil, "a pull after the end stays at the end")
        return (String(decoding: bytes, as: UTF8.self), chunks, largest)
    }

    static func started() async throws -> CoreHarness {
        let harness = try await CoreHarness(ipsec: false)
        let revision = try await harness.start()
        let converged = await harness.settle { await harness.converged(at: revision) }
        let state = converged ? "" : await harness.describe()
        #expect(converged, "\(state)")
        return harness
    }

    static let kinds: [(ExecCommand, String)] = [
        (ExecCommand(kind: .show, arguments: "version"), "Century Systems"),
        (ExecCommand(kind: .show, arguments: "config"), "! Century Systems NXR"),
        (ExecCommand(kind: .syslog), "system: boot"),
        (ExecCommand(kind: .techSupport), "===== show version ====="),
        (ExecCommand(kind: .arp), "HW address"),
        (ExecCommand(kind: .route), "C>* 127.0.0.0/8 is directly connected, lo"),
        (ExecCommand(kind: .route, family: .ipv4, table: .rib), "(routing information base)"),
        (ExecCommand(kind: .route, family: .ipv6, table: .fib), "C>* ::1/128"),
        (ExecCommand(kind: .route, family: .ipv6, table: .cache), "Route cache (IPv6)"),
        (ExecCommand(kind: .ping, destination: "192.0.2.1", count: 3), "3 packets transmitted"),
        (ExecCommand(kind: .ping, family: .ipv6, destination: "2001:db8::1", count: 1), "PING6 2001:db8::1"),
        (ExecCommand(kind: .ping, destination: "gw.example", source: "192.0.2.9"), "from 192.0.2.9"),
        (ExecCommand(kind: .traceroute, destination: "198.51.100.7", icmp: true), "ICMP probes"),
        (ExecCommand(kind: .traceroute, family: .ipv6, destination: "2001:db8::7"), "traceroute6 to 2001:db8::7"),
        (ExecCommand(kind: .packetDump, interface: "ethernet0", seconds: 10, packets: 1), "ethernet0 IP 192.168.0.20"),
    ]

    @Test func everyKindOfCommandAnswersTheDevicesTextAndRecordsTheUser() async throws {
        let harness = try await Self.started()
        let diagnostics = Diagnostics(settings: DiagnosticsSettings(chunkBytes: 4096))
        for (command, expected) in Self.kinds {
            let output = try await diagnostics.exec(command, device: "nxr01", on: harness.controller, user: "alice")
            let (text, _, _) = try await Self.drain(output)
            #expect(text.contains(expected), "\(command.commandLine): \(text)")
            #expect(output.byteCount == text.utf8.count)
        }
        let events = try await harness.events(.deviceExecSucceeded)
        #expect(events.count == Self.kinds.count)
        #expect(events.allSatisfy { $0.user == "alice" && $0.device == "nxr01" })
        #expect(events.first?.details["command"] == "show version")
        #expect(events.first?.message.hasPrefix("alice ran `show version` on nxr01: ") == true)
        await harness.stop()
    }

    @Test func refusalsSayWhyAndFailuresAreEventsWithTheUser() async throws {
        let harness = try await Self.started()
        let diagnostics = Diagnostics(settings: DiagnosticsSettings())
        func status(_ command: ExecCommand, _ device: String) async -> (Int, String)? {
            do {
                _ = try await diagnostics.exec(command, device: device, on: harness.controller, user: "bob")
                return nil
            } catch {
                return (error.status, error.message)
            }
        }
        let bad = await status(ExecCommand(kind: .ping, destination: "192.0.2.1", count: 61), "nxr01")
        #expect(bad?.0 == 400 && bad?.1 == "count: count must be 1 to 60, not 61")
        let unknown = await status(ExecCommand(kind: .arp), "no-such-device")
        #expect(unknown?.0 == 404)
        // A device of the repository that never announced itself is not connected.
        let idle = await status(ExecCommand(kind: .arp), "star_center")
        #expect(idle?.0 == 409 && idle?.1.contains("star_center is awaiting-address") == true, "\(String(describing: idle))")
        // The device refuses what its CLI does not know.
        let refused = await status(ExecCommand(kind: .show, arguments: "no such thing"), "nxr01")
        #expect(refused?.0 == 422 && refused?.1.contains("% Invalid input detected: show no such thing") == true)
        let failures = try await harness.events(.deviceExecFailed)
        #expect(failures.map(\.device) == ["star_center", "nxr01"])
        #expect(failures.allSatisfy { $0.user == "bob" })
        await harness.stop()
    }

    @Test func aMultiMebibyteResultComesOutCompleteInChunksAndTheGuardSaysSo() async throws {
        let harness = try await Self.started()
        let device = try #require(harness.devices["nxr02"])
        await device.setTechSupportBytes(6 << 20)
        let diagnostics = Diagnostics(settings: DiagnosticsSettings(chunkBytes: 64 << 10))
        let output = try await diagnostics.exec(
            ExecCommand(kind: .techSupport), device: "nxr02", on: harness.controller, user: "carol")
        let (text, chunks, largest) = try await Self.drain(output)
        #expect(text.utf8.count >= 6 << 20)
        #expect(text.hasSuffix("===== end =====\n"), "complete: the last line arrived")
        #expect(largest == 64 << 10)
        #expect(chunks == (text.utf8.count + (64 << 10) - 1) / (64 << 10))
        // Every numbered line is there once, in order: nothing dropped or repeated between chunks.
        let numbers = text.split(separator: "\n").filter { $0.hasPrefix("kbuf ") }.map { $0.split(separator: " ")[1] }
        #expect(numbers.count > 60_000)
        #expect(numbers.enumerated().allSatisfy { Int($0.element) == $0.offset })

        let guarded = Diagnostics(settings: DiagnosticsSettings(maxOutputBytes: 1 << 20))
        do {
            _ = try await guarded.exec(ExecCommand(kind: .techSupport), device: "nxr02", on: harness.controller, user: "carol")
            Issue.record("a result over the guard must be refused")
        } catch {
            #expect(error.status == 413)
            #expect(error.message.contains("over the diagnostics.maxOutputBytes guard (1048576) of cmsd.yaml"))
        }
        await harness.stop()
    }

    @Test func theDiagnosticsCapIsItsOwnAndDoesNotStallReconciliation() async throws {
        let harness = try await Self.started()
        let diagnostics = Diagnostics(settings: DiagnosticsSettings(maxConcurrent: 2, maxWaiting: 1))
        // Both slots taken, as two long commands (a 180 s packet dump) would hold them.
        try await diagnostics.gate.enter(bounded: true)
        try await diagnostics.gate.enter(bounded: true)
        // A third waits, a fourth is refused with 429 naming the settings.
        let waiting = Task {
            try await diagnostics.exec(ExecCommand(kind: .arp), device: "nxr03", on: harness.controller, user: "dave")
        }
        #expect(await harness.settle { await diagnostics.gate.counts.waiting == 1 })
        do {
            _ = try await diagnostics.exec(ExecCommand(kind: .arp), device: "nxr01", on: harness.controller, user: "dave")
            Issue.record("over maxWaiting must be refused")
        } catch {
            #expect(error.status == 429 && error.message.contains("diagnostics.maxConcurrent 2, maxWaiting 1"))
        }
        // Meanwhile a new revision is applied on every device: the reconcile lanes are not the diagnostics cap.
        harness.setBaseline("nxr01", mtu: 1400)
        harness.setBaseline("nxr02", mtu: 1400)
        harness.setBaseline("nxr03", mtu: 1400)
        let revision = await harness.commit("mtu 1400")
        _ = await harness.controller.refresh()
        let converged = await harness.settle { await harness.converged(at: revision) }
        let state = converged ? "" : await harness.describe()
        #expect(converged, "\(state)")
        let counts = await diagnostics.gate.counts
        #expect(counts.running == 2 && counts.waiting == 1, "the exec still waits for its slot")
        await diagnostics.gate.leave()
        let (text, _, _) = try await Self.drain(try await waiting.value)
        #expect(text.contains("HW address"))
        await diagnostics.gate.leave()
        let after = await diagnostics.gate.counts
        #expect(after.running == 0 && after.waiting == 0)
        let peak = await diagnostics.gate.peak
        #expect(peak == 2)
        await harness.stop()
    }

    @Test func syslogFetchesKeepTheLastFiveGzippedAndRecordTheUser() async throws {
        let harness = try await Self.started()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("syslog-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let collector = SyslogCollector(
            controller: harness.controller, store: SyslogStore(dataFolder: folder, tenant: CoreHarness.tenant),
            diagnostics: Diagnostics(settings: DiagnosticsSettings()))
        let device = try #require(harness.devices["nxr01"])
        for round in 1...7 {
            await device.appendSyslog(["Jan 15 08:0\(round):00 nxr-nxr01 round \(round)"])
            await harness.advance(by: .seconds(60))
            let result = await collector.fetch(device: "nxr01", user: round == 7 ? "schedule nightly" : "erin")
            #expect(result.error == nil && result.file != nil, "\(result)")
        }
        let list = try await collector.files(device: "nxr01")
        #expect(list.files.map(\.index) == [1, 2, 3, 4, 5])
        #expect(list.files.map(\.fetchedAt) == list.files.map(\.fetchedAt).sorted(by: >), "newest first")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder + "/tenants/century/syslog/nxr01")
        #expect(names.count == 5 && names.allSatisfy { $0.hasSuffix(".log.gz") })
        // At rest it is gzip (magic 1f 8b), readable by gunzip.
        let newest = folder + "/tenants/century/syslog/nxr01/" + list.files[0].name
        let raw = try #require(FileManager.default.contents(atPath: newest))
        #expect(Array(raw.prefix(2)) == [0x1F, 0x8B])
        let gunzip = try runProcess("/bin/gzip", ["-dc", newest])
        #expect(gunzip.stdout.hasSuffix("round 7\n"))
        // N = 1 is the newest (7 rounds), N = 5 the oldest kept (round 3); rounds 1 and 2 are gone.
        let first = String(decoding: try await collector.file(device: "nxr01", index: 1), as: UTF8.self)
        let fifth = String(decoding: try await collector.file(device: "nxr01", index: 5), as: UTF8.self)
        #expect(first.hasSuffix("round 7\n") && first.contains("round 1"))
        #expect(fifth.hasSuffix("round 3\n") && !fifth.contains("round 4"))
        await #expect(throws: APIError.self) { try await collector.file(device: "nxr01", index: 6) }
        let fetched = try await harness.events(.syslogFetchSucceeded)
        #expect(fetched.count == 7)
        #expect(fetched.last?.user == "schedule nightly" && fetched.first?.user == "erin")
        #expect(fetched.last?.details["file"] == list.files[0].name)
        await harness.stop()
    }

    @Test func aGroupFetchReportsEveryMemberAndFailuresAreEvents() async throws {
        let harness = try await Self.started()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("syslog-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let collector = SyslogCollector(
            controller: harness.controller, store: SyslogStore(dataFolder: folder, tenant: CoreHarness.tenant),
            diagnostics: Diagnostics(settings: DiagnosticsSettings()))
        await harness.devices["nxr02"]?.setOnline(false)
        #expect(await harness.settle { (try? await harness.controller.device("nxr02"))?.summary.state != .connected })
        let report = try await collector.fetch(.group("IPsec-mesh"), user: "frank")
        #expect(report.results.map(\.device) == ["nxr01", "nxr02", "nxr03"])
        #expect(report.results[0].file != nil && report.results[2].file != nil)
        #expect(report.results[1].error?.contains("nxr02 is") == true, "\(report.results[1])")
        let failed = try await harness.events(.syslogFetchFailed)
        #expect(failed.map(\.device) == ["nxr02"] && failed.first?.user == "frank")
        await #expect(throws: APIError.self) { try await collector.fetch(.group("no-such-group"), user: "frank") }
        await harness.stop()
    }

    @Test("rotation keeps the newest N and leaves foreign files alone", arguments: [
        ([Int64](), Int64(1), 5, [Int64]()),
        ([1, 2, 3, 4], 5, 5, []),
        ([1, 2, 3, 4, 5], 6, 5, [1]),
        ([1, 2, 3, 4, 5, 6, 7], 8, 5, [1, 2, 3]),
        ([10, 20], 5, 1, [10, 20]),
    ])
    func rotation(_ existing: [Int64], _ new: Int64, _ keep: Int, _ deleted: [Int64]) {
        let names = existing.map(SyslogRotation.name(micros:)) + ["notes.txt", ".incoming-x"]
        let deletions = SyslogRotation(keep: keep).deletions(existing: names, new: SyslogRotation.name(micros: new))
        #expect(Set(deletions) == Set(deleted.map(SyslogRotation.name(micros:))))
    }
}
