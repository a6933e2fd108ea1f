import CMSDaemon
import CMSModel
import CMSReconcile
import TestSupport
import Testing

/// The seam the firmware, config-restore and schedule engines plug into: disruptive operations go through the one
/// work queue under the tenant's disruptive cap, one waiting per device, on the device's own session.
@Suite(.tags(.core)) struct CoreDisruptiveOperationTests {
    /// Counts operations running at once; each holds its slot until released.
    actor Gate {
        var running = 0
        var peak = 0
        var done: [String] = []
        var open = false
        func enter() { running += 1; peak = max(peak, running) }
        func leave(_ device: String) { running -= 1; done.append(device) }
        func release() { open = true }
    }

    @Test func operationsRunOnTheDevicesSessionOnePendingPerDevice() async throws {
        let harness = try await CoreHarness(ipsec: false)
        let revision = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: revision) })
        let gate = Gate()
        let operation = DisruptiveOperation(name: "reboot", user: "alice") { agent in
            await gate.enter()
            // The device's session is there for the operation's RPCs.
            let hostname = try? await agent.withSession { session in session.sessionID }
            #expect(hostname != nil)
            while await !gate.open { await Task.yield() }
            await gate.leave(agent.code)
        }
        #expect(await harness.controller.submitDisruptive("nxr01", operation))
        #expect(await harness.settle { await gate.running == 1 })
        // While it runs, a second one may wait; a third is refused (one waiting per device).
        #expect(await harness.controller.submitDisruptive("nxr01", operation))
        #expect(await !harness.controller.submitDisruptive("nxr01", operation))
        #expect(await harness.controller.pendingDisruptive() == ["nxr01": "reboot"])
        // A device the revision does not manage is refused.
        #expect(await !harness.controller.submitDisruptive("no-such-device", operation))
        await gate.release()
        #expect(await harness.settle { await gate.done == ["nxr01", "nxr01"] })
        #expect(await gate.peak == 1, "one device never runs two operations at once")
        #expect(await harness.controller.pendingDisruptive().isEmpty)
        await harness.stop()
    }

    /// The original's 機器処理待ちタイムアウト and 機器要求エラー: an operation that waits longer than `timing.requestWait`
    /// for its turn is cancelled with `device.request.wait-timed-out` (its engine hears why, it never runs), and a
    /// request that cannot be queued is `device.request.failed`.
    @Test func anOperationWaitingPastTheRequestWaitIsCancelledAndARefusedOneIsAnEvent() async throws {
        let harness = try await CoreHarness(ipsec: false, requestWait: .seconds(600))
        let revision = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: revision) })
        let gate = Gate()
        let busy = DisruptiveOperation(name: "firmware-update", user: "alice") { agent in
            await gate.enter()
            while await !gate.open { await Task.yield() }
            await gate.leave(agent.code)
        }
        #expect(await harness.controller.submitDisruptive("nxr01", busy))
        #expect(await harness.settle { await gate.running == 1 })
        // The device is busy: a restore waits behind the update.
        let reasons = Locked<[String]>([])
        let ran = Locked(false)
        let waiting = DisruptiveOperation(
            name: "config-restore", user: "bob", run: { _ in ran.withLockedValue { $0 = true } },
            cancelled: { reason in reasons.withLockedValue { $0.append(reason) } })
        let deadline = harness.clock.now.advanced(by: .seconds(600))
        #expect(await harness.controller.submitDisruptive("nxr01", waiting))
        #expect(await harness.settle { harness.clock.sleepers.contains(deadline) })
        // A third request for the device cannot be queued: refused, with its event.
        #expect(await !harness.controller.submitDisruptive("nxr01", waiting))
        #expect(try await harness.settle { try await harness.events(.deviceRequestFailed).count == 1 })
        let failed = try #require(try await harness.events(.deviceRequestFailed).first)
        #expect(failed.device == "nxr01" && failed.user == "bob" && failed.details["operation"] == "config-restore")
        #expect(failed.details["error"]?.contains("config-restore already waits") == true)
        // Just short of the wait nothing happens; at the wait the restore is cancelled.
        await harness.advance(by: .seconds(599))
        #expect(try await harness.events(.deviceRequestWaitTimedOut).isEmpty)
        #expect(await harness.controller.pendingDisruptive() == ["nxr01": "config-restore"])
        await harness.advance(by: .seconds(1))
        #expect(try await harness.settle { try await harness.events(.deviceRequestWaitTimedOut).count == 1 })
        let timedOut = try #require(try await harness.events(.deviceRequestWaitTimedOut).first)
        #expect(timedOut.device == "nxr01" && timedOut.user == "bob")
        #expect(timedOut.details["operation"] == "config-restore")
        #expect(timedOut.details["error"]?.contains("waited 10 min") == true)
        #expect(await harness.settle { reasons.withLockedValue { $0.count } == 1 })
        #expect(reasons.withLockedValue { $0.first } == timedOut.details["error"])
        #expect(await harness.controller.pendingDisruptive().isEmpty)
        // The update ends; the cancelled restore never runs, and the device takes a new one.
        await gate.release()
        #expect(await harness.settle { await gate.done == ["nxr01"] })
        #expect(await harness.controller.submitDisruptive("nxr01", busy))
        #expect(await harness.settle { await gate.done == ["nxr01", "nxr01"] })
        #expect(!ran.withLockedValue { $0 })
        #expect(try await harness.events(.deviceRequestWaitTimedOut).count == 1)
        await harness.stop()
    }

    @Test func anOperationThatRebootsPutsTheDeviceInItsExpectedRebootWindow() async throws {
        let harness = try await CoreHarness(ipsec: false)
        let revision = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: revision) })
        let operation = DisruptiveOperation(name: "reboot", user: "alice") { agent in
            await agent.rebootOrdered(.reboot)
        }
        #expect(await harness.controller.submitDisruptive("nxr02", operation))
        #expect(try await harness.settle { try await !harness.events(.deviceRebootStarted).isEmpty })
        #expect(try await harness.events(.deviceRebootStarted).map(\.device) == ["nxr02"])
        #expect(try await harness.controller.device("nxr02").summary.state == .rebooting)
        await harness.stop()
    }
}
