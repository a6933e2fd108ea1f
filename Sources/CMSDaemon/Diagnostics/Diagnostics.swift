import CMSAPI
import CMSModel
import Logging
import NETCONF
import NETCONFClient
import NXRModel

/// `cms exec` in the daemon (SPEC §7, docs/diagnostics.md): checks the command, takes a slot of the diagnostics cap
/// (``ExecGate``, not the work queue), runs the RPC on the device's session (``DeviceAgent/withSession(_:)``: the
/// device shows `communicating`), records who ran what, and hands the text out in chunks.
///
/// The NXR answers a diagnostic RPC with one reply. While it arrives, the NETCONF client holds the framed message,
/// then libxml2's tree and the parsed text; only the text is kept once the RPC returns, and the HTTP server copies
/// it out `chunkBytes` at a time (docs/performance.md has the resident memory for a multi-MiB result).
public final class Diagnostics: Sendable {
    public let settings: DiagnosticsSettings
    public let gate: ExecGate

    public init(settings: DiagnosticsSettings) {
        self.settings = settings
        self.gate = ExecGate(limit: settings.maxConcurrent, maxWaiting: settings.maxWaiting)
    }

    /// Runs `command` on `device` of `controller`'s tenant for `user`.
    public func exec(
        _ command: ExecCommand, device: String, on controller: TenantController, user: String?
    ) async throws(APIError) -> ChunkedOutput {
        let checked: ExecCommand
        do {
            checked = try command.validated()
        } catch {
            throw APIError(status: 400, code: "bad-argument", message: "\(error.field): \(error.message)")
        }
        let agent = try await controller.diagnosticsAgent(device)
        let timeout = settings.timeout + .seconds(checked.runningSeconds)
        let text: String
        do {
            text = try await run(checked.rpc, on: agent, device: device, timeout: timeout, bounded: true)
        } catch {
            if error.status != 429 {
                await controller.recordDiagnostics([
                    Event(
                        time: controller.now(), tenant: controller.code, type: .deviceExecFailed, device: device,
                        user: user, details: ["command": checked.commandLine, "error": error.message])
                ])
            }
            throw error
        }
        let bytes = text.utf8.count
        guard bytes <= settings.maxOutputBytes else {
            let error = APIError(
                status: 413, code: "output-too-large",
                message: "the result of `\(checked.commandLine)` on \(device) is \(bytes) bytes, over the "
                    + "diagnostics.maxOutputBytes guard (\(settings.maxOutputBytes)) of cmsd.yaml; raise it to get it")
            await controller.recordDiagnostics([
                Event(
                    time: controller.now(), tenant: controller.code, type: .deviceExecFailed, device: device,
                    user: user, details: ["command": checked.commandLine, "error": error.message])
            ])
            throw error
        }
        await controller.recordDiagnostics([
            Event(
                time: controller.now(), tenant: controller.code, type: .deviceExecSucceeded, device: device,
                user: user, details: ["command": checked.commandLine, "bytes": String(bytes)])
        ])
        return ChunkedText(text, chunkBytes: settings.chunkBytes).output
    }

    /// One diagnostic RPC under the cap: its `text` output. Errors say what happened and what to do.
    func run(_ rpc: NXRRPC, on agent: DeviceAgent, device: String, timeout: Duration, bounded: Bool)
        async throws(APIError) -> String
    {
        do {
            try await gate.enter(bounded: bounded)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(status: 499, code: "cancelled", message: "the request was cancelled")
        }
        do {
            let text = try await agent.withSession { session in
                // Only the text outlives this closure: the reply's tree is released before the output is streamed.
                let reply = try await session.rpc(rpc.xml(), timeout: timeout)
                return try NXRRPCOutput(body: reply.body).text ?? ""
            }
            await gate.leave()
            return text
        } catch {
            await gate.leave()
            throw Self.apiError(error, device: device, rpc: rpc.name, timeout: timeout)
        }
    }

    static func apiError(_ error: any Error, device: String, rpc: String, timeout: Duration) -> APIError {
        switch error {
        case let unavailable as DeviceUnavailable:
            return APIError(
                status: 409, code: "device-not-connected",
                message: "\(device) is \(unavailable.state.rawValue): \(unavailable.reason); try again once it is connected")
        case let rpcError as RPCError:
            // The device refused the command it was given (its CLI's own message): the request's content is what
            // it refused, not a gateway failure, so 422, not 5xx.
            return APIError(
                status: 422, code: "device-refused",
                message: "\(device) refused \(rpc): \(rpcError.message ?? rpcError.tag)")
        case let client as NETCONFClientError where client.code == .rpcTimeout:
            return APIError(
                status: 504, code: "device-timeout",
                message: "\(device) did not answer \(rpc) within \(timeout.components.seconds) s "
                    + "(diagnostics.timeout in cmsd.yaml plus the command's own time)")
        case let client as NETCONFClientError:
            return APIError(status: 502, code: "device-unreachable", message: "\(device): \(client.message)")
        case let model as NXRModelError:
            return APIError(status: 502, code: "device-answer-invalid", message: "\(device) answered \(rpc) oddly: \(model)")
        case is CancellationError:
            return APIError(status: 499, code: "cancelled", message: "the request was cancelled")
        default:
            return APIError(status: 502, code: "device-error", message: "\(device): \(rpc) failed: \(error)")
        }
    }
}
