import Foundation
import NETCONF
import NIOCore
import NIOHTTP1
import NIOPosix

/// The fleet's control interface: JSON over HTTP/1.1 on a loopback address (see docs/nxr-sim.md).
///
/// `GET /devices`, `GET /devices/NAME`, `GET /devices/NAME/running`, `GET /devices/NAME/syslog`,
/// `PUT /devices/NAME/faults` (a ``DeviceFaults`` JSON object), `POST /devices/NAME/reboot`,
/// `POST /devices/NAME/drift` (XML: the content of an edit-config `<config>`), `POST /devices/NAME/host-key`,
/// `POST /devices/NAME/announce`, `GET /time`, `POST /time/pause`, `POST /time/resume`,
/// `POST /time/advance?seconds=N`.
public enum ControlServer {
    /// Binds the control server; returns the listening channel (its `localAddress` has the port).
    public static func bind(fleet: Fleet, host: String, port: Int) async throws -> any Channel {
        guard LoopbackAddress.isLoopback(host) else {
            throw SimError(code: .notLoopback, message: "the control interface listens on loopback only, not \(host)")
        }
        return try await ServerBootstrap(group: fleet.group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(ControlHTTPHandler(fleet: fleet))
                }
            }
            .bind(host: host, port: port).get()
    }

    /// A response: status, content type, body.
    struct Response: Sendable {
        var status: HTTPResponseStatus
        var contentType: String
        var body: String

        static func json<T: Encodable>(_ value: T) -> Response {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = (try? encoder.encode(value)) ?? Data("null".utf8)
            return Response(
                status: .ok, contentType: "application/json", body: String(decoding: data, as: UTF8.self) + "\n")
        }

        static func error(_ status: HTTPResponseStatus, _ message: String) -> Response {
            .json(status: status, ["error": message])
        }

        static func json(status: HTTPResponseStatus, _ value: [String: String]) -> Response {
            var response = Response.json(value)
            response.status = status
            return response
        }
    }

    /// Routes one request.
    static func handle(fleet: Fleet, method: HTTPMethod, uri: String, body: [UInt8]) async -> Response {
        let parts = uri.split(separator: "?", maxSplits: 1)
        let path = parts.first.map(String.init) ?? "/"
        let query = parts.count > 1 ? String(parts[1]) : ""
        let segments = path.split(separator: "/").map(String.init)
        do {
            switch (method, segments.count, segments.first) {
            case (.GET, 1, "devices"):
                var snapshots: [DeviceSnapshot] = []
                for device in fleet.devices { snapshots.append(try await device.snapshot().get()) }
                return .json(snapshots)
            case (.GET, 1, "time"):
                return .json([
                    "now": NETCONFServerEngine.eventTime(fleet.clock.now()), "paused": "\(fleet.clock.isPaused)",
                ])
            case (.POST, 2, "time"):
                switch segments[1] {
                case "pause": await fleet.pauseTime()
                case "resume": await fleet.resumeTime()
                case "advance":
                    let seconds = query.split(separator: "&").compactMap { pair -> Double? in
                        let kv = pair.split(separator: "=", maxSplits: 1)
                        return kv.count == 2 && kv[0] == "seconds" ? Double(kv[1]) : nil
                    }.first
                    guard let seconds, seconds >= 0 else {
                        return .error(.badRequest, "POST /time/advance?seconds=N needs a non-negative N")
                    }
                    await fleet.advanceTime(by: seconds)
                default:
                    return .error(.notFound, "unknown time action \(segments[1]); use pause, resume or advance")
                }
                return .json([
                    "now": NETCONFServerEngine.eventTime(fleet.clock.now()), "paused": "\(fleet.clock.isPaused)",
                ])
            case (_, 2..., "devices"):
                guard let device = fleet.device(segments[1]) else {
                    return .error(.notFound, "no device \(segments[1]); GET /devices lists them")
                }
                return try await Self.deviceRoute(
                    device, method: method, action: segments.count > 2 ? segments[2] : nil, body: body)
            default:
                return .error(.notFound, "unknown path \(path); see docs/nxr-sim.md")
            }
        } catch {
            return .error(.internalServerError, "\(error)")
        }
    }

    static func deviceRoute(_ device: SimulatedDevice, method: HTTPMethod, action: String?, body: [UInt8]) async throws
        -> Response
    {
        switch (method, action) {
        case (.GET, nil):
            return .json(try await device.snapshot().get())
        case (.GET, "running"):
            return Response(status: .ok, contentType: "application/xml", body: try await device.runningConfig().get())
        case (.GET, "syslog"):
            return Response(
                status: .ok, contentType: "text/plain",
                body: try await device.syslogLines().get().joined(separator: "\n") + "\n")
        case (.PUT, "faults"):
            let faults: DeviceFaults
            do {
                faults = try JSONDecoder().decode(DeviceFaults.self, from: Data(body))
            } catch {
                return .error(.badRequest, "the body must be a DeviceFaults JSON object: \(error)")
            }
            try await device.setFaults(faults).get()
            return .json(try await device.snapshot().get())
        case (.POST, "reboot"):
            try await device.rebootNow().get()
            return .json(["status": "rebooting"])
        case (.POST, "announce"):
            try await device.announceNow().get()
            return .json(["status": "announced"])
        case (.POST, "host-key"):
            return .json(["hostKey": try await device.rotateHostKey().get()])
        case (.POST, "drift"):
            let root: XMLElement
            do {
                root = try XML.parse("<config>" + String(decoding: body, as: UTF8.self) + "</config>")
            } catch {
                return .error(.badRequest, "the body must be XML config nodes: \(error)")
            }
            let errors = try await device.changeOutOfBand(root.elements).get()
            guard errors.isEmpty else {
                return .error(.badRequest, errors.map(\.description).joined(separator: "; "))
            }
            return Response(status: .ok, contentType: "application/xml", body: try await device.runningConfig().get())
        default:
            return .error(.notFound, "unknown device action \(method) \(action ?? "")")
        }
    }
}

/// Collects a request, routes it, writes the response, closes.
final class ControlHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let fleet: Fleet
    var head: HTTPRequestHead?
    var body: [UInt8] = []

    init(fleet: Fleet) {
        self.fleet = fleet
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = []
        case .body(let buffer):
            guard self.body.count + buffer.readableBytes <= 16 << 20 else {
                context.close(promise: nil)
                return
            }
            self.body += buffer.readableBytesView
        case .end:
            guard let head = self.head else { return }
            let fleet = self.fleet
            let body = self.body
            let channel = context.channel
            let promise = context.eventLoop.makePromise(of: ControlServer.Response.self)
            promise.completeWithTask {
                await ControlServer.handle(fleet: fleet, method: head.method, uri: head.uri, body: body)
            }
            promise.futureResult.whenSuccess { response in
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: response.contentType)
                headers.add(name: "Content-Length", value: String(response.body.utf8.count))
                headers.add(name: "Connection", value: "close")
                channel.write(
                    HTTPServerResponsePart.head(
                        HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)), promise: nil)
                var buffer = channel.allocator.buffer(capacity: response.body.utf8.count)
                buffer.writeString(response.body)
                channel.write(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
                channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }
}
