import CMSModel
import CMSReconcile
import NETCONF
import NETCONFClient
import Synchronization

/// A device session that tells the event log when the device refuses an RPC or does not answer it
/// (``RPCErrorReport``: `netconf.error.get-status`, `…get-config`, `…edit-config`, `…copy-config`,
/// `device.communication-error`), once per cause. Every RPC of the agent and of the parts that borrow its session
/// (reconcile runs, firmware, archive, diagnostics) goes through it; the errors still reach the caller unchanged.
final class ReportingSession: DeviceSession {
    let inner: any DeviceSession
    private let report: @Sendable (RPCErrorReport.Report) -> Void
    private let state = Mutex(RPCErrorReport())

    init(_ inner: any DeviceSession, report: @escaping @Sendable (RPCErrorReport.Report) -> Void) {
        self.inner = inner
        self.report = report
    }

    var hostKey: SSHHostKey { inner.hostKey }
    var capabilities: [String] { inner.capabilities }
    var sessionID: UInt32? { inner.sessionID }

    @discardableResult
    func rpc(_ operation: XMLElement, timeout: Duration?) async throws -> RPCReply {
        do {
            let reply = try await inner.rpc(operation, timeout: timeout)
            record(operation.name, .succeeded)
            return reply
        } catch let error as RPCError {
            let text = [error.tag, error.message, error.path.map { "at \($0)" }].compactMap { $0 }.joined(separator: ": ")
            record(operation.name, .rpcError(tag: error.tag, text: text))
            throw error
        } catch let error as NETCONFClientError where error.code == .rpcTimeout {
            record(operation.name, .timedOut(error.description))
            throw error
        }
    }

    func subscribe(
        stream: String?, filter: NETCONF.Filter?, bufferingPolicy: AsyncStream<NETCONF.Notification>.Continuation.BufferingPolicy,
        timeout: Duration?
    ) async throws -> AsyncStream<NETCONF.Notification> {
        try await inner.subscribe(stream: stream, filter: filter, bufferingPolicy: bufferingPolicy, timeout: timeout)
    }

    func close() async { await inner.close() }

    private func record(_ operation: String, _ outcome: RPCErrorReport.Outcome) {
        if let event = state.withLock({ $0.record(operation: operation, outcome) }) { report(event) }
    }
}
