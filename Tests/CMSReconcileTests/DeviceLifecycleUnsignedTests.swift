import CMSModel
import CMSReconcile
import Testing

/// Issue 18 item 2: an unsigned CRP announcement (anyone can forge one) may make the lifecycle try an
/// address, but never drops a working session nor blocks the device; signed ones keep their meaning.
@Suite("Device lifecycle and unsigned announcements")
struct DeviceLifecycleUnsignedTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        var pinned: String? = keyK
        let inputs: [Input]
        /// Actions of the last input.
        let actions: [String]
        let state: DeviceState
        var blocked = false
        let address: ControlAddress?
        var testDescription: String { name }
    }

    static let connectedAtA: [Input] = [.crp(addressA), .connectOK(keyK), .identified(goodIdentity)]
    static let idTimer = "schedule identification-timeout 60.0 seconds"
    static let mismatch = "emit device.host-key.mismatch"

    static let rows: [Row] = [
        Row(
            name: "a forged address for a connected device keeps the session and only checks it",
            inputs: connectedAtA + [.unsignedCRP(addressB)], actions: ["check-session"], state: .connected,
            address: addressA),
        Row(
            name: "an operation in progress is not interrupted either",
            inputs: connectedAtA + [.opStart, .unsignedCRP(addressB)], actions: ["check-session"],
            state: .communicating, address: addressA),
        Row(
            name: "a connection attempt in progress is not interrupted",
            inputs: [.crp(addressA), .unsignedCRP(addressB)], actions: [], state: .identifying, address: addressA),
        Row(
            name: "when the session dies the unsigned candidate gets its try after the backoff",
            inputs: connectedAtA + [.unsignedCRP(addressB), .dropped, .fireTimer],
            actions: ["connect 127.0.0.2:830", idTimer], state: .identifying, address: addressB),
        Row(
            name: "another host key at the candidate discards it, no block, back to the last good address",
            inputs: connectedAtA + [.unsignedCRP(addressB), .dropped, .fireTimer, .hostKeyMismatch(keyX)],
            actions: ["cancel identification-timeout", "close", mismatch, "schedule retry 1.35 seconds"],
            state: .disconnected, address: addressA),
        Row(
            name: "and the retry goes to the last good address",
            inputs: connectedAtA + [
                .unsignedCRP(addressB), .dropped, .fireTimer, .hostKeyMismatch(keyX), .fireTimer,
            ], actions: ["connect 127.0.0.1:22", idTimer], state: .identifying, address: addressA),
        Row(
            name: "a disconnected device tries an unsigned address at once",
            inputs: connectedAtA + [.dropped, .unsignedCRP(addressB)],
            actions: ["emit crp.address-notified", "cancel retry", "connect 127.0.0.2:830", idTimer],
            state: .identifying, address: addressB),
        Row(
            name: "a failed attempt at an unsigned address falls back to the last good one",
            inputs: connectedAtA + [.dropped, .unsignedCRP(addressB), .connectFailed, .fireTimer],
            actions: ["connect 127.0.0.1:22", idTimer], state: .identifying, address: addressA),
        Row(
            name: "first contact: a mismatch at an unsigned address leaves the device waiting, not blocked",
            inputs: [.unsignedCRP(addressB), .hostKeyMismatch(keyX)],
            actions: ["cancel identification-timeout", "close", mismatch], state: .awaitingAddress, address: nil),
        Row(
            name: "after that the next announcement is tried",
            inputs: [.unsignedCRP(addressB), .hostKeyMismatch(keyX), .unsignedCRP(addressA)],
            actions: ["emit crp.address-notified", "connect 127.0.0.1:22", idTimer], state: .identifying,
            address: addressA),
        Row(
            name: "the device announcing its current address again voids a forged candidate",
            inputs: connectedAtA + [.unsignedCRP(addressB), .unsignedCRP(addressA), .dropped, .fireTimer],
            actions: ["connect 127.0.0.1:22", idTimer], state: .identifying, address: addressA),
        Row(
            name: "without a pin, a first contact through an unsigned announcement still pins (TOFU)",
            pinned: nil, inputs: [.unsignedCRP(addressA), .connectOK(keyK)],
            actions: ["pin \(keyK)", "emit device.host-key.pinned", "identify"], state: .identifying,
            address: addressA),
        // Signed announcements keep their meaning.
        Row(
            name: "signed: another address replaces the session",
            inputs: connectedAtA + [.crp(addressB)],
            actions: ["emit crp.address-notified", "close", "connect 127.0.0.2:830", idTimer], state: .identifying,
            address: addressB),
        Row(
            name: "signed: another host key blocks the device",
            inputs: connectedAtA + [.crp(addressB), .hostKeyMismatch(keyX)],
            actions: ["cancel identification-timeout", "close", mismatch], state: .disconnected, blocked: true,
            address: addressB),
        Row(
            name: "another host key at the last good address blocks, whoever announced it",
            inputs: connectedAtA + [.dropped, .unsignedCRP(addressA), .hostKeyMismatch(keyX)],
            actions: ["cancel identification-timeout", "close", mismatch], state: .disconnected, blocked: true,
            address: addressA),
    ]

    @Test("inputs → state, last actions, block and address", arguments: rows)
    func scenario(row: Row) {
        var machine = DeviceLifecycle(
            expectation: DeviceExpectation(code: "nxr01", product: .nxr230, hostKey: row.pinned))
        var last: [LifecycleAction] = []
        for input in row.inputs { last = input.apply(to: &machine, jitter: 0.5) }
        #expect(describe(last) == row.actions)
        #expect(machine.state == row.state)
        #expect(machine.hostKeyBlocked == row.blocked)
        #expect(machine.address == row.address)
    }

    @Test func theMismatchEventSaysTheAddressWasDiscardedNotTheDeviceBlocked() throws {
        var machine = DeviceLifecycle(expectation: DeviceExpectation(code: "nxr01", product: .nxr230, hostKey: keyK))
        for input in Self.connectedAtA + [.unsignedCRP(addressB), .dropped, .fireTimer] {
            _ = input.apply(to: &machine)
        }
        let actions = machine.hostKeyMismatch(presented: keyX, jitter: 0.5)
        let details = try #require(
            actions.lazy.compactMap { action -> [String: String]? in
                if case .emit(.deviceHostKeyMismatch, let details) = action { return details }
                return nil
            }.first)
        #expect(details["address"] == addressB.description)
        #expect(details["announcement"] == "unsigned")
        #expect(details["outcome"]?.contains("not blocked") == true)
        #expect(details["fingerprint"] == keyX)
    }

    @Test func aFloodOfForgedAddressesNeverLeavesAConnectedDevice() {
        var machine = DeviceLifecycle(expectation: DeviceExpectation(code: "nxr01", product: .nxr230, hostKey: keyK))
        for input in Self.connectedAtA { _ = input.apply(to: &machine) }
        for n in 0..<1000 {
            let forged = ControlAddress(host: "127.0.\(n / 250).\(n % 250 + 2)", port: 22)
            let actions = machine.crpReceived(forged, authenticated: false)
            #expect(describe(actions) == (forged == addressA ? [] : ["check-session"]))
        }
        #expect(machine.state == .connected)
        #expect(machine.address == addressA)
        #expect(!machine.hostKeyBlocked)
    }
}
