import CMSModel
import CMSReconcile
import Testing

@Suite("The original's per-operation NETCONF error events, once per cause")
struct RPCErrorReportTests {
    typealias Step = (operation: String, outcome: RPCErrorReport.Outcome, expected: EventType?)

    static let refused = RPCErrorReport.Outcome.rpcError(tag: "operation-failed", text: "operation-failed: refused")
    static let other = RPCErrorReport.Outcome.rpcError(tag: "invalid-value", text: "invalid-value: mtu")

    static let cases: [(String, [Step])] = [
        ("each operation of the original has its event", [
            ("get", refused, .netconfErrorGetStatus), ("get-config", refused, .netconfErrorGetConfig),
            ("edit-config", refused, .netconfErrorEditConfig), ("copy-config", refused, .netconfErrorCopyConfig),
        ]),
        ("other operations have their own events where they are used", [
            ("lock", refused, nil), ("commit", refused, nil), ("firmware-update", refused, nil),
        ]),
        ("the same refusal again says nothing new; a success ends the episode", [
            ("edit-config", refused, .netconfErrorEditConfig), ("edit-config", refused, nil),
            ("get-config", .succeeded, nil), ("edit-config", refused, nil),
            ("edit-config", .succeeded, nil), ("edit-config", refused, .netconfErrorEditConfig),
        ]),
        ("another refusal of the same operation is another cause", [
            ("edit-config", refused, .netconfErrorEditConfig), ("edit-config", other, .netconfErrorEditConfig),
            ("edit-config", other, nil),
        ]),
        ("an unanswered RPC is a communication error until any RPC is answered", [
            ("get", .timedOut("rpc timed out"), .deviceCommunicationError),
            ("get-config", .timedOut("rpc timed out"), nil),
            ("lock", .succeeded, nil),
            ("commit", .timedOut("rpc timed out"), .deviceCommunicationError),
        ]),
    ]

    @Test(arguments: cases)
    func outcomes(_ name: String, _ steps: [Step]) {
        var report = RPCErrorReport()
        for (index, step) in steps.enumerated() {
            let event = report.record(operation: step.operation, step.outcome)
            #expect(event?.type == step.expected, "\(name), step \(index + 1): \(step.operation)")
            if let event {
                #expect(event.details["operation"] == step.operation)
                #expect(event.details["error"]?.isEmpty == false)
            }
        }
    }
}
