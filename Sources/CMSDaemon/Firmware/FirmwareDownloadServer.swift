import CMSModel
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Where devices fetch firmware images from `cmsd` (docs/firmware.md § Downloads): HTTP/1.1 on a listen address of
/// its own (`firmware.listen` in cmsd.yaml), `GET /firmware/<token>` with one random token per download, `Range`
/// requests (`bytes=a-b`, `bytes=a-`, `bytes=-n`), bodies sent from disk with `sendfile` (a `FileRegion`): many
/// downloads at once never hold an image in memory. A token names one file and expires.
public final class FirmwareDownloadServer: Sendable {
    struct Grant: Sendable {
        var path: String
        var size: Int64
        var expires: Timestamp
    }

    private let channel: any Channel
    private let grants: Mutex<[String: Grant]>
    private let now: @Sendable () -> Timestamp
    /// The address devices are told to use (the listen host, or `advertise` when set).
    public let advertisedHost: String
    public let port: Int
    /// Downloads served (bodies started) and bytes queued, for `/metrics`.
    let served = Atomic<Int>(0)
    let bytesSent = Atomic<Int64>(0)
    let active = Atomic<Int>(0)

    private init(
        channel: any Channel, advertisedHost: String, port: Int, now: @escaping @Sendable () -> Timestamp
    ) {
        self.channel = channel
        self.grants = Mutex([:])
        self.advertisedHost = advertisedHost
        self.port = port
        self.now = now
    }

    /// Binds `host:port` (port 0: any free port).
    public static func start(
        host: String, port: Int, advertise: String? = nil, group: any EventLoopGroup,
        now: @escaping @Sendable () -> Timestamp = DeviceContext.wallClock
    ) async throws -> FirmwareDownloadServer {
        let box = ServerBox()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(DownloadHandler(server: box))
                }
            }
            .bind(host: host, port: port).get()
        let server = FirmwareDownloadServer(
            channel: channel, advertisedHost: advertise ?? host,
            port: channel.localAddress?.port ?? port, now: now)
        box.server.withLock { $0 = server }
        return server
    }

    /// A URL for one device to download `path` (`size` bytes) until `validFor` has passed.
    public func grant(path: String, size: Int64, validFor: Duration) -> String {
        var bytes = [UInt8](repeating: 0, count: 24)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        let token = bytes.map { String(format: "%02x", $0) }.joined()
        let expires = now() + validFor
        grants.withLock { table in
            let current = now()
            table = table.filter { $0.value.expires > current }
            table[token] = Grant(path: path, size: size, expires: expires)
        }
        let host = advertisedHost.contains(":") ? "[\(advertisedHost)]" : advertisedHost
        return "http://\(host):\(port)/firmware/\(token)"
    }

    func lookup(_ token: String) -> Grant? {
        grants.withLock { table in
            guard let grant = table[token], grant.expires > now() else { return nil }
            return grant
        }
    }

    public func close() async {
        try? await channel.close()
    }

    /// Figures for `/metrics`.
    public var downloads: (served: Int, active: Int, bytes: Int64) {
        (served.load(ordering: .relaxed), active.load(ordering: .relaxed), bytesSent.load(ordering: .relaxed))
    }

    /// The server, set once after bind (handlers are made before it exists).
    final class ServerBox: Sendable {
        let server = Mutex<FirmwareDownloadServer?>(nil)
    }

    /// A byte range from a `Range` header for a file of `size` bytes; nil = unsatisfiable, `.some(nil)` = none asked.
    static func range(_ header: String?, size: Int64) -> ClosedRange<Int64>?? {
        guard let header else { return .some(nil) }
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("bytes="), !text.contains(",") else { return nil }
        let spec = text.dropFirst("bytes=".count)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, size > 0 else { return nil }
        if parts[0].isEmpty {
            guard let suffix = Int64(parts[1]), suffix > 0 else { return nil }
            return .some(max(0, size - suffix)...(size - 1))
        }
        guard let first = Int64(parts[0]), first < size else { return nil }
        let last = parts[1].isEmpty ? size - 1 : min(Int64(parts[1]) ?? -1, size - 1)
        guard last >= first else { return nil }
        return .some(first...last)
    }

    final class DownloadHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let box: ServerBox
        var request: HTTPRequestHead?

        init(server: ServerBox) { self.box = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): request = head
            case .body: break
            case .end:
                guard let head = request else { return }
                request = nil
                respond(head, context: context)
            }
        }

        func simple(_ status: HTTPResponseStatus, _ text: String, context: ChannelHandlerContext) {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain")
            headers.add(name: "Content-Length", value: String(text.utf8.count + 1))
            headers.add(name: "Connection", value: "close")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text + "\n")))), promise: nil)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }

        func respond(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
            guard let server = box.server.withLock({ $0 }) else {
                simple(.serviceUnavailable, "starting", context: context)
                return
            }
            guard head.method == .GET || head.method == .HEAD else {
                simple(.methodNotAllowed, "only GET and HEAD", context: context)
                return
            }
            let path = head.uri.split(separator: "?").first.map(String.init) ?? ""
            let segments = path.split(separator: "/")
            guard segments.count == 2, segments[0] == "firmware", let grant = server.lookup(String(segments[1])) else {
                simple(.notFound, "unknown or expired download token", context: context)
                return
            }
            guard let asked = FirmwareDownloadServer.range(head.headers.first(name: "Range"), size: grant.size) else {
                var headers = HTTPHeaders()
                headers.add(name: "Content-Range", value: "bytes */\(grant.size)")
                headers.add(name: "Content-Length", value: "0")
                headers.add(name: "Connection", value: "close")
                context.write(
                    wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .rangeNotSatisfiable, headers: headers))),
                    promise: nil)
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
                return
            }
            let fd = open(grant.path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                simple(.gone, "the image is no longer in the store", context: context)
                return
            }
            let span = asked ?? (0...(max(grant.size, 1) - 1))
            let length = grant.size == 0 ? 0 : span.upperBound - span.lowerBound + 1
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/octet-stream")
            headers.add(name: "Accept-Ranges", value: "bytes")
            headers.add(name: "Content-Length", value: String(length))
            headers.add(name: "Connection", value: "close")
            if asked != nil { headers.add(name: "Content-Range", value: "bytes \(span.lowerBound)-\(span.upperBound)/\(grant.size)") }
            let status: HTTPResponseStatus = asked == nil ? .ok : .partialContent
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: fd)
            if head.method == .GET && length > 0 {
                server.served.add(1, ordering: .relaxed)
                server.active.add(1, ordering: .relaxed)
                server.bytesSent.add(length, ordering: .relaxed)
                let region = FileRegion(
                    fileHandle: handle, readerIndex: Int(span.lowerBound), endIndex: Int(span.upperBound) + 1)
                context.write(wrapOutboundOut(.body(.fileRegion(region))), promise: nil)
            }
            let isGet = head.method == .GET && length > 0
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if isGet { server.active.add(-1, ordering: .relaxed) }
                try? handle.close()
                channel.close(promise: nil)
            }
        }
    }
}
