import CRP
import NIOCore
import NIOPosix

/// The device side of CRP: a UDP socket bound to the device's address (and source port 10625 by
/// default) that sends announcements to a CMS. Scheduling is the caller's (`AnnounceSchedule`).
public final class CRPSender: Sendable {
    /// The bound source address.
    public let localAddress: SocketAddress
    private let channel: any Channel

    private init(channel: any Channel, localAddress: SocketAddress) {
        self.channel = channel
        self.localAddress = localAddress
    }

    /// Binds the sending socket on `host:port` (port 0 = ephemeral).
    public static func bind(
        host: String, port: Int = Int(CRPWire.defaultPort),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws
        -> CRPSender
    {
        let channel = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port).get()
        guard let local = channel.localAddress else {
            try? await channel.close()
            throw ChannelError.unknownLocalAddress
        }
        return CRPSender(channel: channel, localAddress: local)
    }

    /// Encodes (and signs, when `secret` is given) and sends one announcement.
    public func send(_ announcement: Announcement, secret: [UInt8]?, to server: SocketAddress) async throws {
        try await send(bytes: CRPCodec.encode(announcement, secret: secret), to: server)
    }

    /// Sends raw bytes (tests and fault injection use this to send malformed datagrams).
    public func send(bytes: [UInt8], to server: SocketAddress) async throws {
        let buffer = channel.allocator.buffer(bytes: bytes)
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: server, data: buffer))
    }

    public func close() async throws {
        try await channel.close()
    }
}
