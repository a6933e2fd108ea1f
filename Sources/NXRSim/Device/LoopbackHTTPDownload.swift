import Foundation
import NIOCore
import NIOPosix

/// A minimal HTTP/1.1 GET for firmware images, to loopback servers only, with a size cap.
enum LoopbackHTTPDownload {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Splits `http://host:port/path`; nil when it is not an http URL to a loopback host.
    static func parse(_ url: String) -> (host: String, port: Int, path: String)? {
        guard url.hasPrefix("http://") else { return nil }
        let rest = url.dropFirst("http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        let path = slash == rest.endIndex ? "/" : String(rest[slash...])
        var host = authority
        var port = 80
        if let colon = authority.lastIndex(of: ":") {
            guard let parsed = Int(authority[authority.index(after: colon)...]), (1...65535).contains(parsed) else {
                return nil
            }
            host = String(authority[..<colon])
            port = parsed
        }
        guard LoopbackAddress.isLoopback(host) else { return nil }
        return (host, port, path)
    }

    /// GET with HTTP/1.0 (the server closes after the body, never chunks), reading until the close.
    static func get(_ url: String, on loop: any EventLoop, maxBytes: Int = 256 << 20) -> EventLoopFuture<[UInt8]> {
        guard let (host, port, path) = Self.parse(url) else {
            return loop.makeFailedFuture(
                Failure(description: "\(url): only http:// URLs to loopback hosts are fetched"))
        }
        let promise = loop.makePromise(of: [UInt8].self)
        ClientBootstrap(group: loop)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(promise: promise, maxBytes: maxBytes))
                }
            }
            .connect(host: host, port: port)
            .whenComplete { result in
                switch result {
                case .failure(let error):
                    promise.fail(Failure(description: "\(url): \(error)"))
                case .success(let channel):
                    let request = "GET \(path) HTTP/1.0\r\nHost: \(host):\(port)\r\nUser-Agent: nxr-sim\r\n\r\n"
                    channel.writeAndFlush(channel.allocator.buffer(string: request), promise: nil)
                    promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
                }
            }
        return promise.futureResult
    }

    /// Gathers the whole response; on close checks the status line and returns the body.
    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<[UInt8]>
        let maxBytes: Int
        var received: [UInt8] = []
        var done = false

        init(promise: EventLoopPromise<[UInt8]>, maxBytes: Int) {
            self.promise = promise
            self.maxBytes = maxBytes
        }

        func finish(_ result: Result<[UInt8], Failure>, context: ChannelHandlerContext) {
            guard !self.done else { return }
            self.done = true
            self.promise.completeWith(result.mapError { $0 as any Error })
            context.close(promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = self.unwrapInboundIn(data)
            guard self.received.count + buffer.readableBytes <= self.maxBytes + 64 << 10 else {
                self.finish(
                    .failure(Failure(description: "the image is larger than \(self.maxBytes) bytes")), context: context)
                return
            }
            self.received += buffer.readableBytesView
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.finish(Self.parseResponse(self.received), context: context)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.finish(.failure(Failure(description: "\(error)")), context: context)
        }

        static func parseResponse(_ bytes: [UInt8]) -> Result<[UInt8], Failure> {
            let separator: [UInt8] = [13, 10, 13, 10]
            guard let end = bytes.indices.dropLast(3).first(where: { bytes[$0..<($0 + 4)].elementsEqual(separator) })
            else {
                return .failure(Failure(description: "no HTTP response"))
            }
            let head = String(decoding: bytes[..<end], as: UTF8.self)
            let status = head.split(separator: "\r\n").first.map(String.init) ?? ""
            let parts = status.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1.") else {
                return .failure(Failure(description: "not an HTTP response: \(status.prefix(80))"))
            }
            guard parts[1] == "200" else {
                return .failure(Failure(description: "HTTP \(parts[1...].joined(separator: " "))"))
            }
            let body = Array(bytes[(end + 4)...])
            for line in head.split(separator: "\r\n").dropFirst() {
                let pair = line.split(separator: ":", maxSplits: 1)
                if pair.count == 2, pair[0].lowercased() == "content-length",
                    let length = Int(pair[1].trimmingCharacters(in: .whitespaces)), length != body.count
                {
                    return .failure(Failure(description: "the transfer stopped at \(body.count) of \(length) bytes"))
                }
            }
            return .success(body)
        }
    }
}
