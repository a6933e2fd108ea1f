import NETCONF
import NETCONFClient

/// A NETCONF session to an ``InMemoryDevice``: the ``DeviceSession`` port without a socket. RPCs are framed and
/// parsed exactly as over SSH (the engine receives bytes), so the daemon's requests meet the simulator's checks.
public final class InMemorySession: DeviceSession {
    public let device: InMemoryDevice
    public let hostKey: SSHHostKey
    public let capabilities: [String]
    public let sessionID: UInt32?
    let id: UInt32
    private let messageIDs = Counter()

    init(device: InMemoryDevice, id: UInt32, hello: Hello, hostKey: SSHHostKey) {
        self.device = device
        self.id = id
        self.hostKey = hostKey
        self.capabilities = hello.capabilities
        self.sessionID = hello.sessionID
    }

    @discardableResult
    public func rpc(_ operation: XMLElement, timeout: Duration?) async throws -> RPCReply {
        let messageID = String(await messageIDs.next())
        guard let message = await device.exchange(id, messageID: messageID, operation: operation) else {
            throw NETCONFClientError(
                .sessionClosed, host: device.address, port: device.port, message: "the device closed the session")
        }
        guard case .reply(let reply) = try RPCReply.parse(message) else {
            throw NETCONFClientError(
                .protocolViolation, host: device.address, port: device.port, message: "not an rpc-reply")
        }
        if let failure = reply.errors.first(where: { $0.severity != "warning" }) { throw failure }
        return reply
    }

    public func subscribe(
        stream: String?, filter: Filter?, bufferingPolicy: AsyncStream<Notification>.Continuation.BufferingPolicy,
        timeout: Duration?
    ) async throws -> AsyncStream<Notification> {
        let (notifications, continuation) = AsyncStream.makeStream(
            of: Notification.self, bufferingPolicy: bufferingPolicy)
        await device.subscribe(id, continuation)
        do {
            try await rpc(Operation.createSubscription(stream: stream, filter: filter), timeout: timeout)
        } catch {
            continuation.finish()
            throw error
        }
        return notifications
    }

    public func close() async {
        if await device.isOpen(id) {
            _ = try? await rpc(Operation.closeSession(), timeout: nil)
        }
        await device.abandon(id)
    }

    /// Message ids of one session.
    private actor Counter {
        private var value: UInt64 = 0
        func next() -> UInt64 {
            value += 1
            return value
        }
    }
}
