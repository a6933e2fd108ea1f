import HummingbirdCore
import Logging
import NIOCore

/// The first handler of every API connection (before the HTTP codec, on raw bytes): admits the connection under
/// ``APIConnections``' cap and closes it when a request head does not arrive in time — within the header timeout
/// after accept, within the idle timeout after a response. Hummingbird's own idle timeout covers stalled bodies.
///
/// The end of a request head is found by its blank line (`CRLF CRLF`), so a slow-loris client sending one header
/// byte a second is closed at the deadline however busy it keeps the socket.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private static let refusalBody = #"{"status":503,"code":"too-many-connections","message":"the API is at its connection cap"}"#
    private static let refusal =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
        + "Content-Length: \(refusalBody.utf8.count)\r\n\r\n" + refusalBody

    private let connections: APIConnections
    private let limits: APIConnectionLimits
    private let logger: Logger
    private var admitted = false
    /// A head arrived and its response has not been written yet.
    private var busy = false
    /// The last three bytes seen while waiting for a head (a `CRLF CRLF` may straddle two reads).
    private var tail: [UInt8] = []
    private var deadline: Scheduled<Void>?

    init(connections: APIConnections, limits: APIConnectionLimits, logger: Logger) {
        self.connections = connections
        self.limits = limits
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        admit(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        if admitted { connections.closed(context.channel) }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !busy {
            let buffer = unwrapInboundIn(data)
            if containsEndOfHead(buffer) {
                busy = true
                tail = []
                deadline?.cancel()
                deadline = nil
                connections.setBusy(context.channel, true)
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if busy {
            // A response is going out: the next request has the idle timeout to arrive, and until it does this
            // connection may give way to a new one at the cap.
            busy = false
            connections.setBusy(context.channel, false)
            schedule(context, after: limits.idleTimeout)
        }
        context.write(data, promise: promise)
    }

    private func admit(_ context: ChannelHandlerContext) {
        guard !admitted else { return }
        admitted = true
        switch connections.admit(context.channel) {
        case .admitted:
            schedule(context, after: limits.headerTimeout)
        case .admittedInPlaceOf(let other):
            other.close(promise: nil)
            schedule(context, after: limits.headerTimeout)
        case .refused:
            admitted = false
            logger.warning("API connection refused: every connection is busy", metadata: ["api.max": "\(connections.maxConnections)"])
            var buffer = context.channel.allocator.buffer(capacity: Self.refusal.utf8.count)
            buffer.writeString(Self.refusal)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    private func schedule(_ context: ChannelHandlerContext, after duration: Duration) {
        deadline?.cancel()
        let (connections, channel) = (self.connections, context.channel)
        let loop = context.eventLoop.assumeIsolated()
        deadline = loop.scheduleTask(in: TimeAmount(duration)) { [weak self] in
            guard let self, !self.busy else { return }
            self.deadline = nil
            connections.timedOut()
            channel.close(promise: nil)
        }
    }

    private func containsEndOfHead(_ buffer: ByteBuffer) -> Bool {
        let pattern: [UInt8] = [13, 10, 13, 10]
        var window = tail
        var found = false
        buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes {
                window.append(byte)
                if window.count > 4 { window.removeFirst() }
                if window == pattern {
                    found = true
                    return
                }
            }
        }
        tail = Array(window.suffix(3))
        return found
    }
}

/// A Hummingbird child channel that puts ``ConnectionGuardHandler`` in front of another (HTTP/1.1) one.
struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let connections: APIConnections
    let limits: APIConnectionLimits
    let logger: Logger

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let (connections, limits, guardLogger) = (self.connections, self.limits, self.logger)
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                ConnectionGuardHandler(connections: connections, limits: limits, logger: guardLogger), position: .first)
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
