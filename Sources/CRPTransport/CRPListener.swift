import CRP
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// An announcement as the listener delivers it, with the datagram's source address.
public struct ReceivedAnnouncement: Sendable {
    public var decoded: DecodedAnnouncement
    /// Where the datagram came from (with NAT, not the advertised address).
    public var source: SocketAddress

    public var announcement: Announcement { decoded.announcement }

    public init(decoded: DecodedAnnouncement, source: SocketAddress) {
        self.decoded = decoded
        self.source = source
    }
}

/// How many datagrams a listener accepted and dropped, by reason (docs/crp.md §5).
public struct CRPCounters: Sendable, Equatable {
    public var accepted = 0
    /// Of the accepted ones, those whose signature verified with the tenant's secret.
    public var acceptedAuthenticated = 0
    public var dropped: [CRPDropReason: Int] = [:]

    public init() {}

    public subscript(reason: CRPDropReason) -> Int { dropped[reason, default: 0] }
    /// Sum of all drops.
    public var totalDropped: Int { dropped.values.reduce(0, +) }
}

/// Listener settings. The secret lookup may change at run time (new tenant revision).
public struct CRPListenerConfiguration: Sendable {
    /// Maps a customer-id to that tenant's CRP secret; nil = the tenant accepts unsigned CRP.
    public var secretFor: @Sendable (String) -> [UInt8]?
    /// Token bucket per source IP address for *unauthenticated* announcements (unsigned, or of a
    /// tenant without a secret): burst size and refill per second (docs/crp.md §8). Verified ones
    /// do not take from it: a spoofed flood from their source address cannot starve them.
    public var burstPerSource: Double = 10
    public var refillPerSecond: Double = 1
    public var maxSources = 65_536
    /// Announcements buffered for a slow consumer before `queue-full` drops.
    public var bufferSize = 4096
    /// The share of ``bufferSize`` unauthenticated announcements may fill: the rest is kept for
    /// verified ones, so a flood of unsigned ones never makes a signed one `queue-full`.
    public var unauthenticatedQueueShare = 0.5
    /// `SO_RCVBUF` of the socket (the kernel caps it at `net.core.rmem_max`): room for bursts.
    public var receiveBufferBytes = 4 << 20
    /// Datagrams taken from the socket per system call (`recvmmsg`, Linux); 1 or less reads them one
    /// by one (`recvmsg`). A flood costs one system call per batch instead of one per datagram.
    public var vectorReadCount = 64
    /// Socket reads (each of up to ``vectorReadCount`` datagrams) per readiness event before the event
    /// loop polls again.
    public var readsPerEvent = 16
    /// Drops are logged here at debug level (`crp.source`, `crp.reason`); never the payload.
    public var logger = Logger(label: "cms.crp.listener")

    public init(secretFor: @escaping @Sendable (String) -> [UInt8]? = { _ in nil }) {
        self.secretFor = secretFor
    }
}

/// The CMS side of CRP: a UDP socket that decodes, rate-limits and replay-checks announcements
/// and delivers the good ones as an `AsyncStream`. It never sends anything.
public final class CRPListener: Sendable {
    /// The bound address (tests bind port 0 and read the real port here).
    public let localAddress: SocketAddress
    /// Accepted announcements, in arrival order; finishes when the listener is closed.
    public let announcements: CRPAnnouncements

    private let channel: any Channel
    private let state: NIOLockedValueBox<ListenerState>

    private init(
        channel: any Channel, localAddress: SocketAddress, announcements: AsyncStream<ReceivedAnnouncement>,
        state: NIOLockedValueBox<ListenerState>
    ) {
        self.channel = channel
        self.localAddress = localAddress
        self.announcements = CRPAnnouncements(stream: announcements, state: state)
        self.state = state
    }

    /// Binds a UDP socket on `host:port` (port 0 = ephemeral; default 10625).
    public static func bind(
        host: String, port: Int = Int(CRPWire.defaultPort),
        configuration: CRPListenerConfiguration = CRPListenerConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws
        -> CRPListener
    {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ReceivedAnnouncement.self, bufferingPolicy: .bufferingOldest(max(configuration.bufferSize, 1)))
        let state = NIOLockedValueBox(ListenerState(configuration: configuration))
        // No SO_REUSEADDR/SO_REUSEPORT: a second listener on the port must fail, never split the announcements.
        let channel = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(configuration.receiveBufferBytes))
            .channelOption(.maxMessagesPerRead, value: UInt(max(configuration.readsPerEvent, 1)))
            .channelOption(
                .datagramVectorReadMessageCount, value: configuration.vectorReadCount > 1 ? configuration.vectorReadCount : 0)
            // One slot per datagram of the batch, each larger than any CRP datagram may be (a longer one
            // arrives truncated to the slot and is still refused as oversize).
            .channelOption(
                .recvAllocator,
                value: FixedSizeRecvByteBufferAllocator(
                    capacity: max(configuration.vectorReadCount, 1) * Self.slotBytes))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ListenerHandler(configuration: configuration, state: state, continuation: continuation))
                }
            }
            .bind(host: host, port: port).get()
        channel.closeFuture.whenComplete { _ in continuation.finish() }
        guard let local = channel.localAddress else {
            try? await channel.close()
            throw ChannelError.unknownLocalAddress
        }
        return CRPListener(channel: channel, localAddress: local, announcements: stream, state: state)
    }

    /// Receive-buffer bytes per datagram of a vector read: above ``CRPWire/maxMessageSize``.
    static let slotBytes = 2048

    /// A snapshot of the counters.
    public var counters: CRPCounters { state.withLockedValue { $0.counters } }

    /// Clears a device's replay state (after a factory reset lowered its boot counter).
    public func forgetReplayState(for key: Announcement.DeviceKey) {
        state.withLockedValue { $0.replayGuard.forget(key) }
    }

    /// Closes the socket and finishes the stream.
    public func close() async throws {
        try await channel.close()
    }
}

/// Mutable state shared between the event loop and readers of the counters.
struct ListenerState: Sendable {
    var limiter: RateLimiter<String>
    var replayGuard = ReplayGuard()
    var counters = CRPCounters()
    /// Unauthenticated announcements in the stream's buffer, and how many may be.
    var queuedUnauthenticated = 0
    let maxQueuedUnauthenticated: Int

    init(configuration: CRPListenerConfiguration) {
        limiter = RateLimiter(
            capacity: configuration.burstPerSource, refillPerSecond: configuration.refillPerSecond,
            maxKeys: configuration.maxSources)
        let share = min(max(configuration.unauthenticatedQueueShare, 0), 1)
        maxQueuedUnauthenticated = Int(Double(max(configuration.bufferSize, 1)) * share)
    }

    mutating func drop(_ reason: CRPDropReason) { counters.dropped[reason, default: 0] += 1 }
}

final class ListenerHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let configuration: CRPListenerConfiguration
    private let state: NIOLockedValueBox<ListenerState>
    private let continuation: AsyncStream<ReceivedAnnouncement>.Continuation

    init(
        configuration: CRPListenerConfiguration, state: NIOLockedValueBox<ListenerState>,
        continuation: AsyncStream<ReceivedAnnouncement>.Continuation
    ) {
        self.configuration = configuration
        self.state = state
        self.continuation = continuation
    }

    private func drop(_ reason: CRPDropReason, from source: SocketAddress) {
        state.withLockedValue { $0.drop(reason) }
        configuration.logger.debug(
            "CRP datagram dropped",
            metadata: ["crp.source": "\(source)", "crp.reason": "\(reason.rawValue)"])
    }

    /// Verify first, then limit (docs/crp.md §5): the HMAC check is cheap, and only what did not
    /// verify is rate-limited per source and held to its share of the queue — so spoofed or
    /// unsigned floods, whatever source they claim, cannot starve signed announcements.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let source = envelope.remoteAddress
        let decoded: DecodedAnnouncement
        do {
            decoded = try CRPCodec.decode(envelope.data.readableBytesView, secretFor: configuration.secretFor)
        } catch {
            drop(error.reason, from: source)
            return
        }
        let item = ReceivedAnnouncement(decoded: decoded, source: source)
        let authenticated = decoded.authenticated
        let now = Duration.nanoseconds(Int64(clamping: NIODeadline.now().uptimeNanoseconds))
        let sourceKey = authenticated ? "" : source.ipAddress ?? "\(source)"
        // Yield under the lock so a consumer that has the announcement also sees it counted.
        let dropped: CRPDropReason? = state.withLockedValue { state in
            if authenticated {
                guard state.replayGuard.admit(decoded.announcement) == .fresh else { return .replayed }
            } else {
                guard state.limiter.allow(sourceKey, now: now) else { return .rateLimited }
                guard state.queuedUnauthenticated < state.maxQueuedUnauthenticated else { return .queueFull }
            }
            switch continuation.yield(item) {
            case .enqueued:
                if !authenticated { state.queuedUnauthenticated += 1 }
                fallthrough
            case .terminated:
                state.counters.accepted += 1
                if authenticated { state.counters.acceptedAuthenticated += 1 }
                return nil
            case .dropped:
                return .queueFull
            @unknown default:
                return .queueFull
            }
        }
        if let dropped { drop(dropped, from: source) }
    }
}

/// The listener's accepted announcements as an `AsyncSequence` (one consumer). Taking an
/// unauthenticated one out frees its place in the unauthenticated share of the queue.
public struct CRPAnnouncements: AsyncSequence, Sendable {
    public typealias Element = ReceivedAnnouncement

    let stream: AsyncStream<ReceivedAnnouncement>
    let state: NIOLockedValueBox<ListenerState>

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: stream.makeAsyncIterator(), state: state)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncStream<ReceivedAnnouncement>.AsyncIterator
        let state: NIOLockedValueBox<ListenerState>

        public mutating func next() async -> ReceivedAnnouncement? {
            guard let item = await base.next() else { return nil }
            if !item.decoded.authenticated {
                state.withLockedValue { $0.queuedUnauthenticated = Swift.max(0, $0.queuedUnauthenticated - 1) }
            }
            return item
        }
    }
}
