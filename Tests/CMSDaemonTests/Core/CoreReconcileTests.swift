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

    /// The example repository declares schedules and mail, which cmsd does not carry out yet: it says so once for
    /// the revision it adopts, naming each kind and its issue (firmware is carried out since issue 11).
    @Test func kindsNotCarriedOutYetAreSaidOncePerRevision() async throws {
        let harness = try await CoreHarness()
        let revision = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: revision) })
        let said = try await harness.events(.gitNotCarriedOut)
        #expect(said.count == 1)
        #expect(said.first?.revision == revision)
        let kinds = said.first?.details["kinds"] ?? ""
        #expect(!kinds.contains("firmware") && !kinds.contains("issue 11"))
        #expect(kinds.contains("schedules") && kinds.contains("issue 13"))
        #expect(kinds.contains("mail alerts (issue 14)"))
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
}
