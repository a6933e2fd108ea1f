import CMSAPI
import NETCONF
import Testing

@testable import CMSDaemon

/// What a diagnostic command's failure answers: a device that answered and refused the command is the request's
/// fault (422; schemathesis found `show 000…` answered 502), a busy one a conflict (409), never a 5xx for either.
@Suite(.tags(.core)) struct CoreDiagnosticsErrorTests {
    @Test(arguments: [
        ("operation-failed", 422, "device-refused"), ("invalid-value", 422, "device-refused"),
        ("bad-element", 422, "device-refused"), ("in-use", 409, "device-busy"), ("lock-denied", 409, "device-busy"),
        ("resource-denied", 409, "device-busy"),
    ])
    func aRefusalByTheDeviceIsNotAServerError(tag: String, status: Int, code: String) {
        let refusal = RPCError(
            type: "application", tag: tag, severity: "error", message: "% Invalid input detected: show 000")
        let error = Diagnostics.apiError(refusal, device: "nxr01", rpc: "show", timeout: .seconds(30))
        #expect(error.status == status && error.code == code)
        #expect(error.message == "nxr01 refused show: % Invalid input detected: show 000")
    }
}
