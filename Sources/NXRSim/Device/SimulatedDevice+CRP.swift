import CRP
import Foundation
import NIOCore
import NIOPosix

/// Sends a device's CRP announcements: one short-lived UDP socket per announcement, bound to the device's own
/// loopback address (so the listener sees the device's source address, and an idle device holds no socket).
struct CRPAnnouncer: Sendable {
    let server: SocketAddress
    let secret: [UInt8]?

    /// Parses `host:port` (loopback only).
    init(server: String, secret: [UInt8]?) throws(SimError) {
        guard let colon = server.lastIndex(of: ":"), let port = Int(server[server.index(after: colon)...]),
            (1...65535).contains(port), LoopbackAddress.isLoopback(String(server[..<colon]))
        else {
            throw SimError(code: .notLoopback, message: "the CRP server must be a loopback ADDRESS:PORT, not \(server)")
        }
        do {
            self.server = try SocketAddress(ipAddress: String(server[..<colon]), port: port)
        } catch {
            throw SimError(code: .badArgument, message: "the CRP server \(server) is not an address: \(error)")
        }
        self.secret = secret
    }

    func send(_ announcement: Announcement, from host: String, on loop: any EventLoop) -> EventLoopFuture<Void> {
        let bytes: [UInt8]
        do {
            bytes = try CRPCodec.encode(announcement, secret: self.secret)
        } catch {
            return loop.makeFailedFuture(error)
        }
        let server = self.server
        return DatagramBootstrap(group: loop).bind(host: host, port: 0).flatMap { channel in
            let buffer = channel.allocator.buffer(bytes: bytes)
            return channel.writeAndFlush(AddressedEnvelope(remoteAddress: server, data: buffer))
                .flatMap { channel.close() }
                .flatMapError { error in channel.close().flatMapThrowing { throw error } }
        }
    }
}

extension SimulatedDevice {
    /// The announcement the device would send now (with the announce-wrong-product/code faults applied).
    func currentAnnouncement() -> Announcement? {
        let identity = self.settings.identity
        guard let address = IPAddress(self.settings.address) else { return nil }
        let port = UInt16(clamping: self.settings.port)
        return Announcement(
            customerID: identity.tenant,
            cpeID: self.faults.announceDeviceCode ?? identity.deviceCode,
            serial: identity.serial,
            product: self.faults.announceProduct ?? identity.product,
            advertise: .init(address: address, port: port),
            keepalive: UInt32(clamping: Int(self.settings.keepalive)),
            bootID: UInt32(clamping: self.bootCount),
            sequence: UInt64(self.sequence + 1))
    }

    func announce() {
        guard let announcer = self.announcer, self.lifecycle == .running, let announcement = self.currentAnnouncement()
        else { return }
        self.sequence += 1
        self.announcementsSent += 1
        self.log("crp: announce sent to \(announcer.server) (seq \(announcement.sequence))")
        announcer.send(announcement, from: self.settings.address, on: self.eventLoop).whenFailure { error in
            self.logger.warning(
                "CRP announcement failed", metadata: ["device.code": "\(self.name)", "error": "\(error)"])
        }
    }
}
