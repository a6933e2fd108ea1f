import CRP
import Foundation
import NIOCore
import NIOPosix
import Synchronization
@testable import NXRSim

/// A UDP socket on loopback that decodes every CRP datagram it gets.
final class CRPCollector: @unchecked Sendable {
    let channel: any Channel
    private let box: Box

    var address: String { "127.0.0.1:\(self.channel.localAddress?.port ?? 0)" }
    var announcements: [Announcement] { self.box.announcements.withLock { $0 } }

    init(secret: [UInt8]? = nil) async throws {
        let box = Box()
        self.box = box
        self.channel = try await DatagramBootstrap(group: TestFleet.group)
            .channelInitializer { channel in
                channel.pipeline.addHandler(Collector(box: box, secret: secret))
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func close() async { try? await self.channel.close() }

    /// The announcements, shared by the collector and its channel handler.
    final class Box: Sendable {
        let announcements = Mutex<[Announcement]>([])
    }

    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let box: Box
        let secret: [UInt8]?

        init(box: Box, secret: [UInt8]?) {
            self.box = box
            self.secret = secret
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = self.unwrapInboundIn(data)
            let bytes = Array(envelope.data.readableBytesView)
            if let decoded = try? CRPCodec.decode(bytes, secretFor: { _ in self.secret }) {
                self.box.announcements.withLock { $0.append(decoded.announcement) }
            }
        }
    }
}
