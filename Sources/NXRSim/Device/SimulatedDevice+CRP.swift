import Foundation

/// Sends one device's CRP announcements (UDP to the configured loopback server).
protocol Announcer: Sendable {
    func send(_ announcement: DeviceAnnouncement)
}

/// What a device announces, before encoding.
public struct DeviceAnnouncement: Sendable, Equatable {
    public var tenant: String
    public var deviceCode: String?
    public var serial: String
    public var product: String
    public var address: String
    public var port: Int
    public var keepalive: Int
    public var sequence: UInt32
}

extension SimulatedDevice {
    /// The announcement the device would send now (with the announce-wrong-product/code faults applied).
    func currentAnnouncement() -> DeviceAnnouncement {
        let identity = self.settings.identity
        return DeviceAnnouncement(
            tenant: identity.tenant,
            deviceCode: self.faults.announceDeviceCode ?? identity.deviceCode,
            serial: identity.serial,
            product: self.faults.announceProduct ?? identity.product,
            address: self.settings.address, port: self.settings.port,
            keepalive: Int(self.settings.keepalive),
            sequence: UInt32(truncatingIfNeeded: self.announcementsSent + 1))
    }

    func announce() {
        guard let announcer = self.announcer else { return }
        let announcement = self.currentAnnouncement()
        self.announcementsSent += 1
        announcer.send(announcement)
        self.log("crp: announced \(announcement.address):\(announcement.port) seq \(announcement.sequence)")
    }
}
