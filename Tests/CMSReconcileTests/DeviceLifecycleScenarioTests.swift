import CMSModel
import CMSReconcile
import Testing

@Suite("Device lifecycle scenarios")
struct DeviceLifecycleScenarioTests {
    /// (attempt, jitter, expected delay) for the default 750 ms → 15 min backoff with 20 % jitter.
    static let backoffCases: [(Int, Double, Duration)] = [
        (1, 0, .milliseconds(750)),
        (2, 0, .milliseconds(1500)),
        (3, 0, .seconds(3)),
        (5, 0, .seconds(12)),
        (10, 0, .milliseconds(384_000)),
        (11, 0, .seconds(768)),
        (12, 0, .seconds(900)),  // 768 s doubled → capped at 15 min
        (50, 0, .seconds(900)),
        (10_000, 0, .seconds(900)),  // no overflow for absurd attempts
        (0, 0, .milliseconds(750)),  // below 1 counts as 1
        (1, 1, .milliseconds(600)),  // full jitter shortens by 20 %
        (1, 0.5, .milliseconds(675)),
        (12, 1, .seconds(720)),
        (1, 7, .milliseconds(600)),  // out-of-range jitter is clamped
        (1, -3, .milliseconds(750)),
        (1, .nan, .milliseconds(750)),
    ]

    @Test("backoff doubles from 750 ms, caps at 15 minutes, and jitter only shortens", arguments: backoffCases)
    func backoff(attempt: Int, jitter: Double, expected: Duration) {
        #expect(Backoff().delay(attempt: attempt, jitter: jitter) == expected)
    }

    @Test("repeated connection failures back off exponentially up to the cap; success resets the count")
    func repeatedFailures() {
        var machine = Start.disconnected.make()
        var delays: [Duration] = []
        for _ in 0..<14 {
            _ = machine.timerFired(machine.pendingTimer!, jitter: 0)  // retry → identifying
            #expect(machine.state == .identifying)
            let actions = machine.connectFailed(error: "refused", jitter: 0)
            for case let .scheduleTimer(timer, delay) in actions where timer.kind == .retry { delays.append(delay) }
        }
        #expect(delays.first == .milliseconds(1500))  // the starting point already failed once
        #expect(delays.last == .seconds(900))
        #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(machine.consecutiveFailures == 15)
        _ = machine.crpReceived(addressA)
        _ = machine.connectSucceeded(hostKey: keyK)
        _ = machine.identified(goodIdentity, jitter: 0)
        #expect(machine.state == .connected && machine.consecutiveFailures == 0)
        let drop = machine.sessionDropped(reason: "EOF", jitter: 0)
        #expect(describe(drop).last == "schedule retry 0.75 seconds")
    }

    @Test("a host key other than the pinned one blocks management until the pin changes")
    func hostKeyImpersonation() {
        var machine = Start.identifyingConnecting.make(pinned: keyK)
        // The transport reports the key; even via connectSucceeded nothing is identified.
        let actions = machine.connectSucceeded(hostKey: keyX)
        #expect(describe(actions) == ["cancel identification-timeout", "close", "emit device.host-key.mismatch"])
        #expect(!actions.contains(.startIdentification))
        guard case let .emit(_, details) = actions.last else { Issue.record("no event"); return }
        #expect(details == ["fingerprint": keyX, "expected": keyK, "address": "127.0.0.1:22"])
        #expect(machine.state == .disconnected && machine.hostKeyBlocked && machine.pendingTimer == nil)
        // CRP keeps coming: ignored, no connection.
        #expect(describe(machine.crpReceived(addressA)) == ["ignored host-key-blocked"])
        #expect(describe(machine.crpReceived(addressB)) == ["ignored host-key-blocked"])
        // An unrelated change does not unblock.
        var same = machine.expectation
        same.serial = "12345678901"
        #expect(machine.expectationChanged(same).isEmpty && machine.hostKeyBlocked)
        // The operator declares the new key in git: unblocked, connects again at once.
        var repinned = machine.expectation
        repinned.hostKey = keyX
        #expect(
            describe(machine.expectationChanged(repinned))
                == ["connect 127.0.0.1:22", "schedule identification-timeout 60.0 seconds"])
        #expect(describe(machine.connectSucceeded(hostKey: keyX)) == ["identify"])
    }

    @Test("a pinned key that matches is not pinned again")
    func pinnedKeyMatches() {
        var machine = Start.identifyingConnecting.make(pinned: keyK)
        #expect(describe(machine.connectSucceeded(hostKey: keyK)) == ["identify"])
    }

    @Test("serial numbers: registered on first contact, an event when they change, none when equal")
    func serials() {
        var machine = Start.connected.make()
        #expect(machine.expectation.serial == "12345678901")
        _ = machine.sessionDropped(reason: "EOF", jitter: 0)
        _ = machine.crpReceived(addressA)
        _ = machine.connectSucceeded(hostKey: keyK)
        #expect(
            describe(machine.identified(goodIdentity, jitter: 0))
                == ["cancel identification-timeout", "emit device.connect.succeeded"])
        _ = machine.sessionDropped(reason: "EOF", jitter: 0)
        _ = machine.crpReceived(addressA)
        _ = machine.connectSucceeded(hostKey: keyK)
        var swapped = goodIdentity
        swapped.serial = "99999999999"
        let actions = machine.identified(swapped, jitter: 0)
        #expect(
            describe(actions) == [
                "cancel identification-timeout", "serial 99999999999",
                "emit device.serial.changed", "emit device.connect.succeeded",
            ])
        #expect(
            actions.contains(
                .emit(
                    .deviceSerialChanged,
                    details: [
                        "serial": "99999999999",
                        "previous": "12345678901",
                    ])))
    }

    @Test("a device registered by serial is matched by serial, not cpe-id")
    func serialCode() {
        var machine = DeviceLifecycle(expectation: DeviceExpectation(code: "12345678901", product: .nxr230))
        _ = machine.crpReceived(addressA)
        _ = machine.connectSucceeded(hostKey: keyK)
        let noCPE = DeviceIdentity(cpeID: nil, serial: "12345678901", product: "NXR-230")
        _ = machine.identified(noCPE, jitter: 0)
        #expect(machine.state == .connected)
        var other = DeviceLifecycle(expectation: DeviceExpectation(code: "12345678901", product: .nxr230))
        _ = other.crpReceived(addressA)
        _ = other.connectSucceeded(hostKey: keyK)
        let actions = other.identified(
            DeviceIdentity(cpeID: nil, serial: "10000000000", product: "NXR-230"),
            jitter: 0)
        #expect(
            actions.contains(
                .emit(
                    .deviceCodeMismatch,
                    details: [
                        "actual": "10000000000",
                        "address": "127.0.0.1:22",
                    ])))
        #expect(other.state == .disconnected)
    }

    @Test("a timer from an earlier state is stale once the lifecycle moved on")
    func staleTimers() {
        var machine = Start.identifyingConnecting.make()
        let identificationTimer = machine.pendingTimer!
        _ = machine.connectSucceeded(hostKey: keyK)
        _ = machine.identified(goodIdentity, jitter: 0)
        #expect(machine.pendingTimer == nil)
        let before = machine
        #expect(describe(machine.timerFired(identificationTimer, jitter: 0)) == ["ignored stale-timer"])
        #expect(machine == before)
    }

    @Test("a firmware update is not a failure while its window lasts; after it the device is retried")
    func firmwareWindow() {
        var machine = Start.connected.make()
        _ = machine.rebootOrdered(.firmwareUpdate)
        #expect(describe(machine.sessionDropped(reason: "EOF", jitter: 0)) == ["close"])
        #expect(machine.state == .rebooting && machine.consecutiveFailures == 0)
        #expect(machine.pendingTimer?.kind == .rebootWindow)
        // Nothing came back within the window: the last address is tried; a failure now counts.
        _ = machine.timerFired(machine.pendingTimer!, jitter: 0)
        #expect(machine.state == .identifying)
        let failed = machine.connectFailed(error: "no route", jitter: 0)
        #expect(describe(failed).contains("emit device.connect.failed"))
        #expect(machine.state == .disconnected && machine.consecutiveFailures == 1)
    }

    @Test("a device that reboots before its update's reply is handled is in its reboot window, not down")
    func announcedReboot() {
        // The RPC is announced, the device answers and reboots at once: the drop arrives before the reply is handled.
        var machine = Start.communicating.make()
        #expect(machine.rebootAnnounced(.firmwareUpdate).isEmpty)
        let dropped = describe(machine.sessionDropped(reason: "EOF", jitter: 0))
        #expect(!dropped.contains { $0.contains("device.disconnected") }, "\(dropped)")
        #expect(dropped.contains("close"))
        #expect(machine.state == .rebooting && machine.consecutiveFailures == 0)
        #expect(machine.pendingTimer?.kind == .rebootWindow)
        // The reply handled afterwards changes nothing.
        _ = machine.rebootOrdered(.firmwareUpdate)
        #expect(machine.state == .rebooting && machine.announcedReboot == nil)

        // Withdrawn (the device refused the update): a drop is an outage again.
        var refused = Start.connected.make()
        _ = refused.rebootAnnounced(.configRestore)
        _ = refused.rebootWithdrawn()
        #expect(describe(refused.sessionDropped(reason: "EOF", jitter: 0)).contains { $0.contains("device.disconnected") })
        #expect(refused.state == .disconnected)

        // Only a connected device can announce one.
        var waiting = Start.awaitingAddress.make()
        #expect(waiting.rebootAnnounced(.firmwareUpdate).count == 1)
        #expect(waiting.announcedReboot == nil)
    }

    @Test("suspend forgets the address; resume waits for a new CRP")
    func suspendResume() {
        var machine = Start.connected.make()
        _ = machine.suspend()
        #expect(machine.address == nil && machine.pendingTimer == nil)
        _ = machine.resume()
        #expect(machine.state == .awaitingAddress)
        #expect(
            describe(machine.timerFired(LifecycleTimer(kind: .retry, generation: 1), jitter: 0))
                == ["ignored stale-timer"])
        #expect(describe(machine.crpReceived(addressB)).contains("connect 127.0.0.2:830"))
    }

    @Test("events carry the details their message templates need")
    func eventDetails() {
        var machine = Start.identifyingConnecting.make()
        let failed = machine.connectFailed(error: "connection refused", jitter: 0)
        #expect(
            failed.contains(
                .emit(
                    .deviceConnectFailed,
                    details: [
                        "address": "127.0.0.1:22",
                        "error": "connection refused",
                    ])))
        let event = Event(
            time: .seconds(0), tenant: "acme", type: .deviceConnectFailed, device: "nxr01",
            details: ["address": "127.0.0.1:22", "error": "connection refused"])
        #expect(event.message == "NETCONF connection to nxr01 failed (127.0.0.1:22): connection refused")
        var notify = Start.awaitingAddress.make()
        #expect(
            notify.crpReceived(ControlAddress(host: "::1", port: 22)).first
                == .emit(.crpAddressNotified, details: ["address": "[::1]:22"]))
    }
}

@Suite("Device state counters")
struct DeviceStateCountsTests {
    /// (states, connected, disconnected, awaiting-address, suspended)
    static let cases: [([DeviceState], Int, Int, Int, Int)] = [
        ([], 0, 0, 0, 0),
        ([.connected, .communicating], 2, 0, 0, 0),
        ([.disconnected, .rebooting, .identifying], 0, 3, 0, 0),
        ([.awaitingAddress, .suspended, .suspended], 0, 0, 1, 2),
        (DeviceState.allCases, 2, 3, 1, 1),
    ]

    @Test("counters group the seven states as SPEC §2 says", arguments: cases)
    func counts(states: [DeviceState], connected: Int, disconnected: Int, awaiting: Int, suspended: Int) {
        let counts = DeviceStateCounts(states)
        #expect(
            counts
                == DeviceStateCounts(
                    connected: connected, disconnected: disconnected,
                    awaitingAddress: awaiting, suspended: suspended))
        #expect(counts.total == states.count)
    }

    @Test("state names are the SPEC's")
    func names() {
        #expect(
            DeviceState.allCases.map(\.rawValue) == [
                "awaiting-address", "identifying", "connected", "rebooting",
                "disconnected", "communicating", "suspended",
            ])
    }
}
