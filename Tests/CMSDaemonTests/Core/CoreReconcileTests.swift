import CMSAPI
import CMSDaemon
import CMSModel
import CMSReconcile
import NETCONF
import NXRSim
import NXRSimMemory
import TestSupport
import Testing

/// The reconciler end to end without a socket: in-memory devices, in-memory source and stores, a manual clock.
/// The same behaviour as the real-socket E2E suites, in milliseconds and without timing races.
@Suite(.tags(.core)) struct CoreReconcileTests {
    @Test func announcedDevicesConvergeAndANewRevisionIsApplied() async throws {
        let harness = try await CoreHarness()
        let first = try await harness.start()
        let converged = await harness.settle { await harness.converged(at: first) }
        if !converged { Issue.record(Comment(rawValue: await harness.describe())) }
        #expect(try await harness.interfaceLeaf("nxr01", "ppp0", "mtu") == "1454")

        for code in ["nxr01", "nxr02", "nxr03"] { harness.setBaseline(code, mtu: 1380) }
        let second = await harness.commit("smaller MTU everywhere")
        await harness.controller.refresh()
        #expect(await harness.settle { await harness.converged(at: second) })
        for code in ["nxr01", "nxr02", "nxr03"] {
            #expect(try await harness.interfaceLeaf(code, "ppp0", "mtu") == "1380")
        }
        let applied = try await harness.events(.gitApplySucceeded).filter { $0.revision == second }
        #expect(Set(applied.compactMap(\.device)) == ["nxr01", "nxr02", "nxr03"])
        #expect(try await harness.events(.gitDriftDetected).isEmpty, "a new revision is not drift")
        await harness.stop()
    }

    @Test func driftIsDetectedOnTheDriftTimerAndCorrected() async throws {
        let harness = try await CoreHarness(drift: .seconds(60))
        let revision = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: revision) })
        let nxr02 = try #require(harness.devices["nxr02"])
        #expect(await nxr02.changeOutOfBand([CoreHarness.mtuEdit(1200)]).isEmpty)
        // Nothing happens before the drift timer fires: no timer is real.
        #expect(try await harness.events(.gitDriftDetected).isEmpty)
        #expect(try await harness.interfaceLeaf("nxr02", "ppp0", "mtu") == "1200")

        await harness.advance(by: .seconds(60))
        #expect(try await harness.settle { try await !harness.events(.gitDriftDetected).isEmpty })
        let drift = try #require(try await harness.events(.gitDriftDetected).first)
        #expect(drift.device == "nxr02")
        #expect(drift.revision == revision)
        let drifted = await harness.settle { await harness.sync("nxr02")?.history.first?.outcome == .drifted }
        if !drifted {
            let history = await harness.sync("nxr02")?.history ?? []
            Issue.record(Comment(rawValue: history.map { "\($0.outcome) \($0.message)" }.joined(separator: "\n")))
        }
        #expect(try await harness.interfaceLeaf("nxr02", "ppp0", "mtu") == "1454")
        await harness.stop()
    }

    /// The flaky `FaultTests.driftIsDetectedAndCorrected`, made deterministic: a console change lands while an
    /// apply of the same revision (here: a peer moved, so nxr02's IPsec policies follow) holds an edited
    /// candidate. The commit copies the whole candidate over running: before the fix the MTU was put back
    /// silently — "applied", no `gitops.drift.detected`. Now the apply sees running changed before it commits,
    /// commits nothing, and the retry reports the drift and corrects it.
    @Test func aConsoleChangeDuringAnApplyIsReportedAsDriftNotOverwrittenSilently() async throws {
        let harness = try await CoreHarness()
        let revision = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: revision) })
        let nxr02 = try #require(harness.devices["nxr02"])
        let nxr03 = try #require(harness.devices["nxr03"])
        let changed = Locked(false)
        await nxr02.setAfterRPC { name in
            guard name == "edit-config", !changed.withLockedValue({ $0 }) else { return }
            changed.withLockedValue { $0 = true }
            _ = await nxr02.changeOutOfBand([CoreHarness.mtuEdit(1200)])
        }
        // nxr03 comes back from another address with a signed announcement (an unsigned one would only make
        // the agent check its healthy session): its peers' policies follow (same revision).
        await harness.fleet.add(nxr03, at: "127.77.1.99")
        try await harness.announce("nxr03", from: "127.77.1.99", authenticated: true)
        #expect(await harness.settle { changed.withLockedValue { $0 } })
        #expect(
            await harness.settle {
                let retrying = await harness.sync("nxr02")?.condition.reason == "RetryScheduled"
                let reported = !((try? await harness.events(.gitDriftDetected)) ?? []).isEmpty
                return retrying || reported
            })
        #expect(try await harness.interfaceLeaf("nxr02", "ppp0", "mtu") == "1200", "the console change is not overwritten")

        await harness.advance(by: .seconds(16))
        #expect(try await harness.settle { try await !harness.events(.gitDriftDetected).isEmpty })
        let drift = try #require(try await harness.events(.gitDriftDetected).first)
        #expect(drift.device == "nxr02")
        #expect(drift.revision == revision)
        #expect(await harness.settle { await harness.converged(at: revision) })
        #expect(await harness.sync("nxr02")?.history.first?.outcome == .drifted)
        #expect(try await harness.interfaceLeaf("nxr02", "ppp0", "mtu") == "1454")
        await harness.stop()
    }

    /// Everything the example repository declares is carried out (config files and auto-config: issue 12; firmware:
    /// issue 11; every schedule command: issue 13; mail: issue 14): no `gitops.not-carried-out`, nothing listed.
    @Test func everythingTheExampleDeclaresIsCarriedOutSoNothingIsSaid() async throws {
        let harness = try await CoreHarness()
        let revision = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: revision) })
        #expect(try await harness.events(.gitNotCarriedOut).isEmpty)
        let status = await harness.controller.status()
        #expect(status.notCarriedOut.isEmpty, "\(status.notCarriedOut)")
        await harness.controller.refresh()
        #expect(try await harness.events(.gitNotCarriedOut).isEmpty)
        await harness.stop()
    }

    @Test func aTransientFailureIsRetriedWhenTheClockReachesTheBackoff() async throws {
        // Without IPsec: a peer's late IPsec recompile would enqueue nxr01 off the clock and, once the fault is
        // cleared, converge it before the backoff — a race with the "not a moment earlier" check below.
        let harness = try await CoreHarness(ipsec: false)
        let first = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: first) })
        let nxr01 = try #require(harness.devices["nxr01"])
        var faults = NETCONFServerEngine.Faults()
        faults.rejectEdits = true
        await nxr01.setFaults(faults)
        harness.setBaseline("nxr01", mtu: 1400)
        let second = await harness.commit("nxr01 MTU")
        await harness.controller.refresh()
        #expect(await harness.settle { await harness.sync("nxr01")?.condition.reason == "RetryScheduled" })
        let failed = try #require(await harness.sync("nxr01"))
        // ≥ 1: a peer's late IPsec recompile may enqueue nxr01 once more, and that run is refused too.
        #expect(failed.consecutiveFailures >= 1)
        #expect(try await harness.interfaceLeaf("nxr01", "ppp0", "mtu") == "1454", "nothing of the refused edit is active")

        // The retry is due after the backoff (2 s base, jitter 0.5): not a moment earlier, then it converges.
        await nxr01.setFaults(NETCONFServerEngine.Faults())
        await harness.advance(by: .milliseconds(500))
        #expect(await harness.sync("nxr01")?.condition.reason == "RetryScheduled")
        await harness.advance(by: .seconds(4))
        #expect(await harness.settle { await harness.converged(at: second, devices: ["nxr01"]) })
        #expect(try await harness.interfaceLeaf("nxr01", "ppp0", "mtu") == "1400")
        await harness.stop()
    }

    /// The original's "NETCONF エラー EDIT-CONFIG": a refused edit is recorded as `netconf.error.edit-config` with the
    /// device's error, once per cause — the retries that meet the same refusal add nothing; after the device takes an
    /// edit again, a new refusal is a new event.
    @Test func aRefusedEditIsTheOriginalsNETCONFErrorOncePerCause() async throws {
        let harness = try await CoreHarness(ipsec: false)
        let first = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: first) })
        #expect(try await harness.events(.netconfErrorEditConfig).isEmpty)
        let nxr01 = try #require(harness.devices["nxr01"])
        var faults = NETCONFServerEngine.Faults()
        faults.rejectEdits = true
        await nxr01.setFaults(faults)
        harness.setBaseline("nxr01", mtu: 1400)
        _ = await harness.commit("nxr01 MTU")
        await harness.controller.refresh()
        #expect(await harness.settle { await harness.sync("nxr01")?.condition.reason == "RetryScheduled" })
        #expect(await harness.settle { (try? await harness.events(.netconfErrorEditConfig).count) == 1 })
        // Two more backoffs: the retries are refused the same way and say nothing new.
        await harness.advance(by: .seconds(5))
        #expect(await harness.settle { (await harness.sync("nxr01")?.consecutiveFailures ?? 0) >= 2 })
        await harness.advance(by: .seconds(10))
        #expect(await harness.settle { (await harness.sync("nxr01")?.consecutiveFailures ?? 0) >= 3 })
        let refused = try await harness.events(.netconfErrorEditConfig)
        #expect(refused.count == 1)
        #expect(refused.first?.device == "nxr01")
        #expect(refused.first?.details["error"]?.contains("operation-failed") == true)
        #expect(try await harness.events(.netconfErrorGetConfig).isEmpty, "the reads before the edit succeeded")
        await harness.stop()
    }

    @Test func groupChangesAreRecordedOnceAsTheOriginalsGroupEvents() async throws {
        let harness = try await CoreHarness(ipsec: false)
        let first = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: first) })
        let added = try await harness.events(.groupAdded)
        #expect(Set(added.compactMap(\.group)).isSuperset(of: ["nxr120-sites", "chuo-line", "star-centers", "IPsec-mesh"]))
        #expect(added.allSatisfy { $0.revision == first && $0.user?.hasPrefix("Alice") == true })
        let joined = try await harness.events(.groupMemberJoined).filter { $0.group == "chuo-line" }
        #expect(joined.compactMap(\.device).sorted() == ["ichigaya", "iidabashi", "kichijoji"])

        // kichijoji leaves chuo-line; the IPv6 lab group is deleted (nothing else refers to it).
        let lab = try #require(try await harness.events(.groupMemberJoined).filter { $0.group == "ipv6-lab" }.first)
        harness.files.withLockedValue { files in
            files["groups/plain.yaml"] = files["groups/plain.yaml"]?.replacingOccurrences(of: "  - device: kichijoji\n", with: "")
            files["groups/ipv6-lab.yaml"] = nil
        }
        let second = await harness.commit("kichijoji leaves the Chuo line")
        await harness.controller.refresh()
        #expect(await harness.settle { await harness.converged(at: second) })
        let left = try await harness.events(.groupMemberLeft).filter { $0.revision == second }
        #expect(left.contains { $0.group == "chuo-line" && $0.device == "kichijoji" })
        #expect(left.contains { $0.group == "ipv6-lab" && $0.device == lab.device })
        #expect(left.allSatisfy { $0.group == "chuo-line" || $0.group == "ipv6-lab" })
        #expect(try await harness.events(.groupDeleted).compactMap(\.group) == ["ipv6-lab"])
        #expect(try await harness.events(.groupAdded).count == added.count, "nothing is added twice")
        await harness.stop()
    }


    @Test func aPlanOfAChangeIsComputedAndRecordedWithoutApplyingIt() async throws {
        let harness = try await CoreHarness(ipsec: false)
        let first = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: first) })
        harness.setBaseline("nxr03", mtu: 1300)
        let second = await harness.commit("nxr03 smaller MTU")
        let plan = try await harness.controller.plan(revision: second, native: false)
        #expect(plan.devices.map(\.device) == ["nxr03"])
        #expect(try await harness.interfaceLeaf("nxr03", "ppp0", "mtu") == "1454", "a plan changes nothing")
        let computed = try #require(try await harness.events(.gitPlanComputed).last)
        #expect(computed.revision == second)
        #expect(computed.details["changes"] == "1")
        await harness.stop()
    }

    @Test func pairsWithoutAnyAnnouncedAddressAreIPsecWarnings() async throws {
        let harness = try await CoreHarness(ipsec: true)
        let first = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: first) })
        // The star's devices never announce here: no end of a center–spoke pair has a known address.
        let warnings = try await harness.events(.ipsecWarning)
        #expect(
            warnings.contains {
                $0.details["group"] == "IPsec-star" && $0.details["kind"] == "ipsec.no-initiator"
                    && $0.details["warning"]?.contains("star_center → star_nxr01") == true
            })
        #expect(warnings.allSatisfy { $0.details["group"]?.isEmpty == false })
        await harness.stop()
    }


    @Test func aSuspendedDeviceShowsWhatItReportedOnlyAsLastSeen() async throws {
        let harness = try await CoreHarness(ipsec: false)
        let first = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: first) })
        let connected = try await harness.controller.device("nxr01").summary
        #expect(connected.firmwareVersion == "21.7.3" && connected.lastSeen == nil)
        harness.files.withLockedValue { $0["devices/nxr01.yaml", default: ""] += "suspended: true\n" }
        await harness.commit("suspend nxr01")
        await harness.controller.refresh()
        #expect(try await harness.settle { try await harness.controller.device("nxr01").summary.state == .suspended })
        let suspended = try await harness.controller.device("nxr01").summary
        #expect(suspended.firmwareVersion == nil && suspended.hostname == nil)
        #expect(suspended.serial == connected.serial, "the registered serial stays")
        let seen = try #require(suspended.lastSeen)
        #expect(seen.firmwareVersion == "21.7.3" && seen.hostname == "nxr-nxr01")
        #expect(seen.at != nil)
        await harness.stop()
    }


    @Test func theStatusCountsFromKeptStatesAgreeWithTheDeviceList() async throws {
        let harness = try await CoreHarness(ipsec: false)
        let first = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: first) })
        let before = await harness.controller.status().counts
        harness.files.withLockedValue { $0["devices/nxr02.yaml", default: ""] += "suspended: true\n" }
        await harness.commit("suspend nxr02")
        await harness.controller.refresh()
        #expect(try await harness.settle { try await harness.controller.device("nxr02").summary.state == .suspended })
        let status = await harness.controller.status()
        let page = try await harness.controller.devices(DeviceListQuery(pageSize: 512))
        #expect(status.counts == DeviceStateCounts(page.devices.map(\.state)))
        #expect(status.counts.suspended == before.suspended + 1)
        // Suspended is its own sync status (the operator's decision): not stalled, and the tenant stays ready.
        let row = try #require(page.devices.first { $0.code == "nxr02" })
        #expect(row.sync == .suspended)
        #expect(status.suspended == before.suspended + 1, "every suspended device, and only those: \(status)")
        #expect(status.suspended == status.counts.suspended && status.stalled == 0, "\(status)")
        let filtered = try await harness.controller.devices(DeviceListQuery(sync: .suspended, pageSize: 512))
        #expect(filtered.devices.contains { $0.code == "nxr02" })
        #expect(filtered.devices.allSatisfy { $0.state == .suspended }, "\(filtered.devices.map(\.code))")
        #expect(try await harness.controller.device("nxr02").condition.reason == "Suspended")
        #expect(status.counts.connected == before.connected - 1, "nxr02 no longer counts as connected: \(status.counts)")
        #expect(status.counts.total == before.total)
        await harness.stop()
    }


    /// Issue 17 "status that tells the truth": devices that never announced are waiting, not failed; the tenant's
    /// `since` is when its condition last changed; a host-key block shows as `HostKeyMismatch`.
    @Test func startUpStatusSaysWaitingNotFailedAndABlockedDeviceIsHostKeyMismatch() async throws {
        let harness = try await CoreHarness(ipsec: false)
        let first = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: first) })
        // kichijoji (declared, never announced here) is waiting: no failed run, no failure counted.
        let waiting = try #require(await harness.sync("kichijoji"))
        #expect(waiting.condition.status == .reconciling)
        #expect(waiting.condition.reason == SyncReason.awaitingAnnouncement.rawValue)
        #expect(waiting.history.isEmpty && waiting.consecutiveFailures == 0)
        let status = await harness.controller.status()
        #expect(status.condition.status == .ready, "\(status.condition)")
        #expect(status.condition.message.contains("waiting for their first announcement"))
        await harness.advance(by: .seconds(5))
        let again = await harness.controller.status()
        #expect(again.condition.since == status.condition.since, "since moves only when the condition changes")

        // nxr03's address is taken by a machine with another key: blocked, shown as HostKeyMismatch.
        let nxr03 = try #require(harness.devices["nxr03"])
        _ = await nxr03.rotateHostKey()
        await nxr03.dropSessions()
        for _ in 0..<4 {
            if try await harness.controller.device("nxr03").hostKeyBlocked { break }
            await harness.advance(by: .seconds(8))
            _ = await harness.settle { (try? await harness.controller.device("nxr03").hostKeyBlocked) == true }
        }
        let detail = try await harness.controller.device("nxr03")
        #expect(detail.hostKeyBlocked)
        #expect(detail.condition.status == .stalled && detail.condition.reason == SyncReason.hostKeyMismatch.rawValue)
        #expect(detail.summary.sync == .stalled)
        let blocked = await harness.controller.status()
        #expect(blocked.condition.status == .stalled)
        #expect(blocked.condition.reason == SyncReason.hostKeyMismatch.rawValue, "\(blocked.condition)")
        #expect(blocked.condition.since > status.condition.since)
        await harness.stop()
    }

}
