import CMSModel
import CMSReconcile
import Testing

/// Every transition of the device lifecycle: start state × input → new state + actions.
@Suite("Device lifecycle transitions")
struct DeviceLifecycleTransitionTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let start: Start
        let input: Input
        let state: DeviceState
        let actions: [String]
        var testDescription: String { "\(start.rawValue) + \(input)" }
    }

    static let idTimer = "schedule identification-timeout 60.0 seconds"
    static let retry1 = "schedule retry 0.75 seconds"
    static let notified = "emit crp.address-notified"
    static let wrongCPE = DeviceIdentity(cpeID: "nxr99", serial: "12345678901", product: "NXR-230")
    static let wrongProduct = DeviceIdentity(cpeID: "nxr01", serial: "12345678901", product: "NXR-120")

    static let rows: [Row] = [
        // ── awaiting-address ──
        Row(
            start: .awaitingAddress, input: .crp(addressA), state: .identifying,
            actions: [notified, "connect 127.0.0.1:22", idTimer]),
        Row(
            start: .awaitingAddress, input: .connectOK(keyK), state: .awaitingAddress,
            actions: ["ignored not-connecting"]),
        Row(
            start: .awaitingAddress, input: .hostKeyMismatch(keyX), state: .awaitingAddress,
            actions: ["ignored not-connecting"]),
        Row(
            start: .awaitingAddress, input: .identified(goodIdentity), state: .awaitingAddress,
            actions: ["ignored not-identifying"]),
        Row(
            start: .awaitingAddress, input: .connectFailed, state: .awaitingAddress,
            actions: ["ignored not-connecting"]),
        Row(start: .awaitingAddress, input: .dropped, state: .awaitingAddress, actions: ["ignored no-session"]),
        Row(start: .awaitingAddress, input: .opStart, state: .awaitingAddress, actions: ["ignored not-connected"]),
        Row(
            start: .awaitingAddress, input: .opEnd, state: .awaitingAddress,
            actions: ["ignored no-operation-running"]),
        Row(
            start: .awaitingAddress, input: .reboot(.reboot), state: .awaitingAddress,
            actions: ["ignored not-connected"]),
        Row(
            start: .awaitingAddress, input: .suspend, state: .suspended,
            actions: ["drop-cache", "emit device.suspended"]),
        Row(start: .awaitingAddress, input: .resume, state: .awaitingAddress, actions: ["ignored not-suspended"]),
        Row(start: .awaitingAddress, input: .delete, state: .awaitingAddress, actions: ["emit device.deleted"]),
        Row(start: .awaitingAddress, input: .fireStaleTimer, state: .awaitingAddress, actions: ["ignored stale-timer"]),

        // ── identifying, opening the session ──
        Row(
            start: .identifyingConnecting, input: .crp(addressA), state: .identifying,
            actions: ["ignored already-connecting"]),
        Row(
            start: .identifyingConnecting, input: .crp(addressB), state: .identifying,
            actions: [notified, "close", "cancel identification-timeout", "connect 127.0.0.2:830", idTimer]),
        Row(
            start: .identifyingConnecting, input: .connectOK(keyK), state: .identifying,
            actions: ["pin \(keyK)", "emit device.host-key.pinned", "identify"]),
        Row(
            start: .identifyingConnecting, input: .hostKeyMismatch(keyX), state: .disconnected,
            actions: ["cancel identification-timeout", "close", "emit device.host-key.mismatch"]),
        Row(
            start: .identifyingConnecting, input: .identified(goodIdentity), state: .identifying,
            actions: ["ignored not-identifying"]),
        Row(
            start: .identifyingConnecting, input: .connectFailed, state: .disconnected,
            actions: ["cancel identification-timeout", "close", "emit device.connect.failed", retry1]),
        Row(
            start: .identifyingConnecting, input: .dropped, state: .disconnected,
            actions: ["cancel identification-timeout", "close", "emit device.connect.failed", retry1]),
        Row(start: .identifyingConnecting, input: .opStart, state: .identifying, actions: ["ignored not-connected"]),
        Row(
            start: .identifyingConnecting, input: .opEnd, state: .identifying,
            actions: ["ignored no-operation-running"]),
        Row(
            start: .identifyingConnecting, input: .reboot(.reboot), state: .identifying,
            actions: ["ignored not-connected"]),
        Row(
            start: .identifyingConnecting, input: .suspend, state: .suspended,
            actions: ["cancel identification-timeout", "close", "drop-cache", "emit device.suspended"]),
        Row(start: .identifyingConnecting, input: .resume, state: .identifying, actions: ["ignored not-suspended"]),
        Row(
            start: .identifyingConnecting, input: .delete, state: .identifying,
            actions: ["cancel identification-timeout", "close", "emit device.deleted"]),
        Row(
            start: .identifyingConnecting, input: .fireTimer, state: .disconnected,
            actions: ["close", "emit device.identify.timed-out", retry1]),
        Row(
            start: .identifyingConnecting, input: .fireStaleTimer, state: .identifying,
            actions: ["ignored stale-timer"]),

        // ── identifying, reading the identity ──
        Row(
            start: .identifyingReading, input: .identified(goodIdentity), state: .connected,
            actions: [
                "cancel identification-timeout", "serial 12345678901", "emit device.serial.registered",
                "emit device.connect.succeeded",
            ]),
        Row(
            start: .identifyingReading, input: .identified(wrongCPE), state: .disconnected,
            actions: ["cancel identification-timeout", "close", "emit device.code-mismatch", retry1]),
        Row(
            start: .identifyingReading, input: .identified(wrongProduct), state: .disconnected,
            actions: ["cancel identification-timeout", "close", "emit device.product-mismatch", retry1]),
        Row(
            start: .identifyingReading, input: .connectOK(keyK), state: .identifying,
            actions: ["ignored not-connecting"]),
        Row(
            start: .identifyingReading, input: .fireTimer, state: .disconnected,
            actions: ["close", "emit device.identify.timed-out", retry1]),
        Row(
            start: .identifyingReading, input: .dropped, state: .disconnected,
            actions: ["cancel identification-timeout", "close", "emit device.connect.failed", retry1]),

        // ── connected ──
        Row(start: .connected, input: .crp(addressA), state: .connected, actions: ["ignored already-connected"]),
        Row(
            start: .connected, input: .crp(addressB), state: .identifying,
            actions: [notified, "close", "connect 127.0.0.2:830", idTimer]),
        Row(start: .connected, input: .connectOK(keyK), state: .connected, actions: ["ignored not-connecting"]),
        Row(start: .connected, input: .hostKeyMismatch(keyX), state: .connected, actions: ["ignored not-connecting"]),
        Row(
            start: .connected, input: .identified(goodIdentity), state: .connected,
            actions: ["ignored not-identifying"]),
        Row(start: .connected, input: .connectFailed, state: .connected, actions: ["ignored not-connecting"]),
        Row(
            start: .connected, input: .dropped, state: .disconnected,
            actions: ["close", "emit device.disconnected", retry1]),
        Row(start: .connected, input: .opStart, state: .communicating, actions: []),
        Row(start: .connected, input: .opEnd, state: .connected, actions: ["ignored no-operation-running"]),
        Row(
            start: .connected, input: .reboot(.reboot), state: .rebooting,
            actions: ["emit device.reboot.started", "schedule reboot-window 300.0 seconds"]),
        Row(
            start: .connected, input: .reboot(.firmwareUpdate), state: .rebooting,
            actions: ["schedule reboot-window 900.0 seconds"]),
        Row(
            start: .connected, input: .reboot(.autoConfig), state: .rebooting,
            actions: ["schedule reboot-window 480.0 seconds"]),
        Row(
            start: .connected, input: .suspend, state: .suspended,
            actions: ["close", "drop-cache", "emit device.suspended"]),
        Row(start: .connected, input: .resume, state: .connected, actions: ["ignored not-suspended"]),
        Row(start: .connected, input: .delete, state: .connected, actions: ["close", "emit device.deleted"]),
        Row(start: .connected, input: .fireStaleTimer, state: .connected, actions: ["ignored stale-timer"]),

        // ── communicating ──
        Row(
            start: .communicating, input: .crp(addressA), state: .communicating,
            actions: ["ignored already-connected"]),
        Row(start: .communicating, input: .opStart, state: .communicating, actions: ["ignored operation-running"]),
        Row(start: .communicating, input: .opEnd, state: .connected, actions: []),
        Row(
            start: .communicating, input: .dropped, state: .disconnected,
            actions: ["close", "emit device.disconnected", retry1]),
        Row(
            start: .communicating, input: .reboot(.configRestore), state: .rebooting,
            actions: ["schedule reboot-window 480.0 seconds"]),
        Row(
            start: .communicating, input: .connectFailed, state: .communicating,
            actions: ["ignored not-connecting"]),
        Row(
            start: .communicating, input: .suspend, state: .suspended,
            actions: ["close", "drop-cache", "emit device.suspended"]),
        Row(start: .communicating, input: .resume, state: .communicating, actions: ["ignored not-suspended"]),
        Row(
            start: .communicating, input: .connectOK(keyK), state: .communicating,
            actions: ["ignored not-connecting"]),
        Row(start: .communicating, input: .fireStaleTimer, state: .communicating, actions: ["ignored stale-timer"]),
        Row(start: .communicating, input: .delete, state: .communicating, actions: ["close", "emit device.deleted"]),

        // ── rebooting: the disconnection is expected ──
        Row(start: .rebooting, input: .dropped, state: .rebooting, actions: ["close"]),
        Row(
            start: .rebooting, input: .crp(addressA), state: .identifying,
            actions: [notified, "cancel reboot-window", "connect 127.0.0.1:22", idTimer]),
        Row(start: .rebooting, input: .fireTimer, state: .identifying, actions: ["connect 127.0.0.1:22", idTimer]),
        Row(start: .rebooting, input: .opStart, state: .rebooting, actions: ["ignored not-connected"]),
        Row(start: .rebooting, input: .opEnd, state: .rebooting, actions: ["ignored no-operation-running"]),
        Row(start: .rebooting, input: .reboot(.reboot), state: .rebooting, actions: ["ignored not-connected"]),
        Row(start: .rebooting, input: .connectFailed, state: .rebooting, actions: ["ignored not-connecting"]),
        Row(start: .rebooting, input: .connectOK(keyK), state: .rebooting, actions: ["ignored not-connecting"]),
        Row(
            start: .rebooting, input: .suspend, state: .suspended,
            actions: ["cancel reboot-window", "close", "drop-cache", "emit device.suspended"]),
        Row(start: .rebooting, input: .resume, state: .rebooting, actions: ["ignored not-suspended"]),
        Row(start: .rebooting, input: .fireStaleTimer, state: .rebooting, actions: ["ignored stale-timer"]),

        // ── disconnected, a retry pending ──
        Row(
            start: .disconnected, input: .crp(addressA), state: .identifying,
            actions: [notified, "cancel retry", "connect 127.0.0.1:22", idTimer]),
        Row(start: .disconnected, input: .fireTimer, state: .identifying, actions: ["connect 127.0.0.1:22", idTimer]),
        Row(start: .disconnected, input: .dropped, state: .disconnected, actions: ["ignored no-session"]),
        Row(start: .disconnected, input: .opStart, state: .disconnected, actions: ["ignored not-connected"]),
        Row(start: .disconnected, input: .opEnd, state: .disconnected, actions: ["ignored no-operation-running"]),
        Row(
            start: .disconnected, input: .hostKeyMismatch(keyX), state: .disconnected,
            actions: ["ignored not-connecting"]),
        Row(start: .disconnected, input: .connectFailed, state: .disconnected, actions: ["ignored not-connecting"]),
        Row(start: .disconnected, input: .connectOK(keyK), state: .disconnected, actions: ["ignored not-connecting"]),
        Row(
            start: .disconnected, input: .identified(goodIdentity), state: .disconnected,
            actions: ["ignored not-identifying"]),
        Row(start: .disconnected, input: .reboot(.reboot), state: .disconnected, actions: ["ignored not-connected"]),
        Row(
            start: .disconnected, input: .suspend, state: .suspended,
            actions: ["cancel retry", "drop-cache", "emit device.suspended"]),
        Row(start: .disconnected, input: .resume, state: .disconnected, actions: ["ignored not-suspended"]),
        Row(
            start: .disconnected, input: .delete, state: .disconnected,
            actions: ["cancel retry", "emit device.deleted"]),
        Row(start: .disconnected, input: .fireStaleTimer, state: .disconnected, actions: ["ignored stale-timer"]),

        // ── suspended: no connection, CRP discarded ──
        Row(start: .suspended, input: .crp(addressA), state: .suspended, actions: ["ignored suspended"]),
        Row(start: .suspended, input: .connectOK(keyK), state: .suspended, actions: ["ignored not-connecting"]),
        Row(start: .suspended, input: .hostKeyMismatch(keyX), state: .suspended, actions: ["ignored not-connecting"]),
        Row(
            start: .suspended, input: .identified(goodIdentity), state: .suspended,
            actions: ["ignored not-identifying"]),
        Row(start: .suspended, input: .connectFailed, state: .suspended, actions: ["ignored not-connecting"]),
        Row(start: .suspended, input: .dropped, state: .suspended, actions: ["ignored no-session"]),
        Row(start: .suspended, input: .opStart, state: .suspended, actions: ["ignored not-connected"]),
        Row(start: .suspended, input: .opEnd, state: .suspended, actions: ["ignored no-operation-running"]),
        Row(start: .suspended, input: .reboot(.reboot), state: .suspended, actions: ["ignored not-connected"]),
        Row(start: .suspended, input: .suspend, state: .suspended, actions: ["ignored already-suspended"]),
        Row(start: .suspended, input: .resume, state: .awaitingAddress, actions: ["emit device.resumed"]),
        Row(start: .suspended, input: .delete, state: .suspended, actions: ["emit device.deleted"]),
        Row(start: .suspended, input: .fireStaleTimer, state: .suspended, actions: ["ignored stale-timer"]),
    ]

    @Test("state × input → new state and actions", arguments: rows)
    func transition(row: Row) {
        var machine = row.start.make()
        let before = machine
        let actions = row.input.apply(to: &machine)
        #expect(describe(actions) == row.actions)
        #expect(machine.state == row.state)
        if actions.count == 1, case .ignored = actions[0] {
            #expect(machine == before, "an ignored input must leave the lifecycle untouched")
        }
    }

    @Test("the table covers every start state with every kind of input, and the start states are real")
    func coverage() {
        var seen: [Start: Set<String>] = [:]
        for row in Self.rows {
            seen[row.start, default: []].insert(String(row.input.description.prefix { $0 != " " }))
        }
        let kinds: Set<String> = [
            "crp", "connectSucceeded", "sessionDropped", "operationStarted",
            "operationFinished", "rebootOrdered", "suspend", "resume", "timerFired",
        ]
        for start in Start.allCases where start != .identifyingReading {
            #expect(
                kinds.isSubset(of: seen[start] ?? []),
                "\(start.rawValue) lacks rows for \(kinds.subtracting(seen[start] ?? []).sorted())")
        }
        let expected: [Start: DeviceState] = [
            .awaitingAddress: .awaitingAddress, .identifyingConnecting: .identifying, .identifyingReading: .identifying,
            .connected: .connected, .communicating: .communicating, .rebooting: .rebooting,
            .disconnected: .disconnected, .suspended: .suspended,
        ]
        for start in Start.allCases { #expect(start.make().state == expected[start]) }
    }

    @Test("after deletion every input is a no-op")
    func afterDeletion() {
        let inputs: [Input] = [
            .crp(addressA), .connectOK(keyK), .hostKeyMismatch(keyX), .identified(goodIdentity),
            .connectFailed, .dropped, .opStart, .opEnd, .reboot(.reboot), .suspend, .resume,
            .delete, .fireTimer,
        ]
        for start in Start.allCases {
            var machine = start.make()
            _ = machine.deleted()
            #expect(machine.isDeleted)
            for input in inputs {
                let before = machine
                #expect(describe(input.apply(to: &machine)) == ["ignored deleted"], "\(start.rawValue) \(input)")
                #expect(machine == before)
            }
            #expect(
                describe(machine.expectationChanged(DeviceExpectation(code: "nxr01", product: .nxr230)))
                    == ["ignored deleted"])
        }
    }
}
