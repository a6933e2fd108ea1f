import NETCONF

/// What the daemon asks of one NETCONF session to a device: the facts learned while opening it (host key,
/// capabilities, session-id), RPCs, the notification stream, and closing.
///
/// A port with two implementations: ``NETCONFSession`` (SSH over a socket, libssh2) and the in-memory device of
/// `NXRSimMemory`, which runs the simulator's pure NETCONF engine without sockets so the daemon's tests need no
/// peer. The RFC 6241 operations (`get`, `lock`, `editConfig`, `commit`…) are built on ``rpc(_:timeout:)`` once,
/// in an extension, so both implementations send the same bytes.
public protocol DeviceSession: AnyObject, Sendable {
    /// The host key the connect-time policy accepted (checked before any RPC).
    var hostKey: SSHHostKey { get }
    /// The server's capability URIs (its `<hello>`).
    var capabilities: [String] { get }
    /// The NETCONF session-id the server assigned.
    var sessionID: UInt32? { get }

    /// Sends `operation` in an `<rpc>` and returns the reply; an error-severity `<rpc-error>` throws `RPCError`,
    /// a dead session throws ``NETCONFClientError`` (`sessionClosed`…). nil `timeout`: the session's default.
    @discardableResult
    func rpc(_ operation: XMLElement, timeout: Duration?) async throws -> RPCReply

    /// RFC 5277 `<create-subscription>`; the stream ends when the session ends.
    func subscribe(
        stream: String?, filter: Filter?, bufferingPolicy: AsyncStream<Notification>.Continuation.BufferingPolicy,
        timeout: Duration?
    ) async throws -> AsyncStream<Notification>

    /// Ends the session politely; never throws.
    func close() async
}

extension DeviceSession {
    /// Whether the server advertised `capability` (query parameters ignored).
    public func supports(_ capability: String) -> Bool {
        let wanted = Capability.withoutParameters(capability)
        return capabilities.contains { Capability.withoutParameters($0) == wanted }
    }

    /// Subscribes to the default stream with a bounded buffer (the newest 1,024 notifications).
    public func subscribeNotifications() async throws -> AsyncStream<Notification> {
        try await subscribe(stream: nil, filter: nil, bufferingPolicy: .bufferingNewest(1024), timeout: nil)
    }
}
