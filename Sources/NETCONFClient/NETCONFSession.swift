import Logging
import NETCONF
import Synchronization

/// One NETCONF session over SSH to a device, driven by a `NETCONFClientLoop` (no thread of its own).
///
/// ```swift
/// let session = try await NETCONFSession.connect(
///     host: "192.0.2.1", username: "admin", auth: .publicKey(privateKey: pem),
///     hostKey: .pinned("SHA256:…"), logger: logger)
/// let running = try await session.getConfig(source: .running)
/// try await session.editConfig(target: .candidate, config: config)
/// try await session.commit(confirmed: 120)
/// try await session.commit()
/// await session.close()
/// ```
///
/// Calls may run concurrently: every RPC gets its own message-id and replies are matched to it in
/// any order. If the session dies, every waiting call fails with `sessionClosed`.
public final class NETCONFSession: DeviceSession {
    /// The device address as given to `connect`.
    public let host: String
    public let port: Int
    public let username: String
    /// The server's `<hello>`: capabilities and session-id.
    public let serverHello: Hello
    /// The framing both sides agreed on (chunked when both advertise base:1.1).
    public let framing: FramingMode
    /// The host key the policy accepted.
    public let hostKey: SSHHostKey
    public let timeouts: NETCONFTimeouts

    let loop: NETCONFClientLoop
    let id: UInt64
    let logger: Logger
    private let state = Mutex<(nextMessageID: UInt64, closed: Bool)>((0, false))

    /// The server's capability URIs.
    public var capabilities: [String] { serverHello.capabilities }

    /// The NETCONF session-id the server assigned (from its hello).
    public var sessionID: UInt32? { serverHello.sessionID }

    /// Connects, verifies the host key with `hostKey` (mandatory, before authentication),
    /// authenticates, starts the `netconf` subsystem and exchanges hellos.
    ///
    /// - Parameters:
    ///   - host: an IPv4 or IPv6 literal (`localhost` means 127.0.0.1).
    ///   - maxMessageSize: the largest message accepted from the device; larger ones kill the session.
    ///   - logger: receives session events with `netconf.host`, `netconf.port`, `netconf.user`,
    ///     `netconf.session-id` metadata; never secrets.
    public static func connect(
        host: String,
        port: Int = 830,
        username: String,
        auth: SSHAuthentication,
        hostKey: HostKeyPolicy,
        timeouts: NETCONFTimeouts = .default,
        loop: NETCONFClientLoop = .shared,
        maxMessageSize: Int = 64 << 20,
        logger: Logger = Logger(label: "netconf.client", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> NETCONFSession {
        guard let endpoint = IPEndpoint(host: host, port: port) else {
            throw NETCONFClientError(
                .invalidAddress, host: host, port: port,
                message: "give an IPv4 or IPv6 address literal and a port in 1...65535")
        }
        if let startError = loop.startError {
            throw NETCONFClientError(.loopShutDown, host: host, port: port, message: startError)
        }
        let request = ConnectRequest(
            host: host, port: port, endpoint: endpoint, username: username, auth: auth, hostKey: hostKey,
            timeouts: timeouts,
            clientHello: Hello(capabilities: [Capability.base10, Capability.base11]),
            maxMessageSize: maxMessageSize, logger: logger)
        let id = loop.allocateID()
        let ready = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<SessionReady, any Error>) in
                if Task.isCancelled {
                    continuation.resume(
                        throwing: NETCONFClientError(
                            .cancelled, host: host, port: port, message: "the connecting task was cancelled"))
                } else if !loop.post(.open(id: id, request: request, continuation: continuation)) {
                    continuation.resume(
                        throwing: NETCONFClientError(
                            .loopShutDown, host: host, port: port, message: "the NETCONF client loop is shut down"))
                }
            }
        } onCancel: {
            _ = loop.post(.close(id: id, continuation: nil))
        }
        var sessionLogger = logger
        sessionLogger[metadataKey: "netconf.host"] = "\(host)"
        sessionLogger[metadataKey: "netconf.port"] = "\(port)"
        if let sessionID = ready.serverHello.sessionID {
            sessionLogger[metadataKey: "netconf.session-id"] = "\(sessionID)"
        }
        return NETCONFSession(
            host: host, port: port, username: username, ready: ready, timeouts: timeouts,
            loop: loop, id: id, logger: sessionLogger)
    }

    private init(
        host: String, port: Int, username: String, ready: SessionReady, timeouts: NETCONFTimeouts,
        loop: NETCONFClientLoop, id: UInt64, logger: Logger
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.serverHello = ready.serverHello
        self.framing = ready.framing
        self.hostKey = ready.hostKey
        self.timeouts = timeouts
        self.loop = loop
        self.id = id
        self.logger = logger
    }

    deinit {
        _ = loop.post(.close(id: id, continuation: nil))
    }

    /// Sends `operation` (e.g. a vendor RPC element) in an `<rpc>` and returns the reply.
    ///
    /// - Throws: `RPCError` (the first error-severity `<rpc-error>`; warnings stay in
    ///   `RPCReply.errors`), or `NETCONFClientError` (`rpcTimeout`, `sessionClosed`, `cancelled`…).
    @discardableResult
    public func rpc(_ operation: XMLElement, timeout: Duration? = nil) async throws -> RPCReply {
        let messageID = state.withLock { state -> String? in
            if state.closed { return nil }
            state.nextMessageID += 1
            return String(state.nextMessageID)
        }
        guard let messageID else {
            throw NETCONFClientError(
                .sessionClosed, host: host, port: port, message: "the session was closed by the client")
        }
        let bytes = FrameEncoder.frame(RPC.envelope(messageID: messageID, operation: operation), mode: framing)
        let limit = (timeout ?? timeouts.rpc).nanoseconds
        let (loop, id, host, port) = (self.loop, self.id, self.host, self.port)
        let reply: RPCReply
        do {
            reply = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RPCReply, any Error>) in
                    if !loop.post(
                        .send(
                            id: id, messageID: messageID, bytes: bytes, timeout: limit,
                            continuation: continuation))
                    {
                        continuation.resume(
                            throwing: NETCONFClientError(
                                .loopShutDown, host: host, port: port, message: "the NETCONF client loop is shut down"))
                    }
                }
            } onCancel: {
                _ = loop.post(.cancel(id: id, messageID: messageID))
            }
        } catch var error as NETCONFClientError where error.port == 0 {
            error.host = host
            error.port = port
            throw error
        }
        if let failure = reply.errors.first(where: { $0.severity != "warning" }) {
            logger.debug(
                "netconf rpc-error",
                metadata: [
                    "netconf.error-tag": "\(failure.tag)",
                    "netconf.message-id": "\(messageID)",
                ])
            throw failure
        }
        return reply
    }

    /// Ends the session politely: `<close-session>`, channel close, SSH disconnect, socket close.
    /// Waits at most `timeouts.close` for the device's answer; never throws.
    public func close() async {
        let first = state.withLock { state -> Bool in
            defer { state.closed = true }
            return !state.closed
        }
        if first {
            _ = try? await rpcIgnoringClosed(Operation.closeSession(), timeout: timeouts.close)
        }
        let (loop, id) = (self.loop, self.id)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if !loop.post(.close(id: id, continuation: continuation)) {
                continuation.resume()
            }
        }
    }

    /// `rpc` without the closed check (used by `close` after it has marked the session closed).
    private func rpcIgnoringClosed(_ operation: XMLElement, timeout: Duration) async throws -> RPCReply {
        let messageID = state.withLock { state -> String in
            state.nextMessageID += 1
            return String(state.nextMessageID)
        }
        let bytes = FrameEncoder.frame(RPC.envelope(messageID: messageID, operation: operation), mode: framing)
        let (loop, id) = (self.loop, self.id)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RPCReply, any Error>) in
            if !loop.post(
                .send(
                    id: id, messageID: messageID, bytes: bytes, timeout: timeout.nanoseconds,
                    closesSession: true, continuation: continuation))
            {
                continuation.resume(throwing: CancellationError())
            }
        }
    }
}
