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
