import Foundation
import NETCONF
import NIOCore

/// What the control interface shows of a device.
public struct DeviceSnapshot: Sendable, Codable, Equatable {
    public var name: String
    public var identity: DeviceIdentity
    public var address: String
    public var port: Int
    public var lifecycle: SimulatedDevice.Lifecycle
    public var hostKey: String
    /// The host key's OpenSSH fingerprint (`SHA256:…`), as a client pins it.
    public var hostKeyFingerprint: String
    public var sessions: [UInt32]
    public var bootCount: Int
    public var announcements: Int
    public var confirmedCommitPending: Bool
    public var faults: DeviceFaults
    /// NETCONF sessions opened since the device was created (across reboots).
    public var sessionsOpened: Int
    /// `<rpc>` messages received since the device was created (across reboots).
    public var rpcsReceived: Int
    /// Firmware images installed since the device was created (issue 11: exactly once per rollout).
    public var firmwareFlashes: Int = 0
}

/// Run-time control of a device (tests, demos, the control API). Every call hops onto the device's loop.
extension SimulatedDevice {
    public func snapshot() -> EventLoopFuture<DeviceSnapshot> {
        self.eventLoop.submit {
            DeviceSnapshot(
                name: self.name, identity: self.settings.identity, address: self.settings.address,
                port: self.settings.port, lifecycle: self.lifecycle,
                hostKey: DeviceHostKey.openSSHPublicKey(self.hostKey),
                hostKeyFingerprint: DeviceHostKey.fingerprint(self.hostKey), sessions: self.engine.sessionIDs,
                bootCount: self.bootCount, announcements: self.announcementsSent,
                confirmedCommitPending: self.engine.confirmedCommitPending, faults: self.faults,
                sessionsOpened: self.engine.sessionsOpened, rpcsReceived: self.engine.rpcsReceived,
                firmwareFlashes: self.firmwareFlashes)
        }
    }

    /// The running datastore as XML text.
    public func runningConfig() -> EventLoopFuture<String> {
        self.eventLoop.submit { XML.serialize(self.engine.running, pretty: true) }
    }

    /// The running datastore tree.
    public func runningTree() -> EventLoopFuture<XMLElement> {
        self.eventLoop.submit { self.engine.running }
    }

    /// The device's syslog lines.
    public func syslogLines() -> EventLoopFuture<[String]> {
        self.eventLoop.submit { self.syslog }
    }

    /// Replaces the fault settings; listener and engine follow at once.
    public func setFaults(_ faults: DeviceFaults) -> EventLoopFuture<Void> {
        self.eventLoop.flatSubmit {
            let wasRefusing = self.faults.refuseConnections
            let hadLoop = self.faults.rebootLoop != nil
            self.faults = faults
            self.engine.faults.rejectEdits = faults.rejectEdits
            self.engine.faults.crashDuringCommit = faults.crashDuringCommit
            if faults.rebootLoop != nil && !hadLoop && self.lifecycle == .running {
                self.reboot(reason: "reboot loop fault")
            }
            if faults.refuseConnections && !wasRefusing {
                return self.closeListener()
            }
            if !faults.refuseConnections && wasRefusing {
                return self.bindListener()
            }
            return self.eventLoop.makeSucceededVoidFuture()
        }
    }

    /// Reboots now (as if power-cycled by the operator).
    public func rebootNow() -> EventLoopFuture<Void> {
        self.eventLoop.submit { self.reboot(reason: "control request") }
    }

    /// Changes the running config out of band (drift): `edit` is merged like an edit-config `<config>`.
    public func changeOutOfBand(_ edit: [XMLElement]) -> EventLoopFuture<[RPCError]> {
        self.eventLoop.submit {
            var root = self.engine.running
            let errors = ConfigEdit.apply(edit, to: &root, errorOption: .rollbackOnError)
            guard errors.isEmpty else { return errors }
            self.log("config: changed from the console (out of band)")
            self.perform(self.engine.replaceRunning(root, now: self.clock.now()))
            return []
        }
    }

    /// Makes a new host key (impersonation / replaced hardware) and rebinds the listener with it.
    public func rotateHostKey() -> EventLoopFuture<String> {
        self.eventLoop.flatSubmit {
            do {
                self.hostKey = try DeviceHostKey.replace(in: self.settings.stateDirectory)
            } catch {
                return self.eventLoop.makeFailedFuture(error)
            }
            self.dropAllSessions()
            return self.closeListener().flatMap { self.bindListener() }.map {
                DeviceHostKey.openSSHPublicKey(self.hostKey)
            }
        }
    }

    /// Sends an announcement now.
    public func announceNow() -> EventLoopFuture<Void> {
        self.eventLoop.submit { self.announce() }
    }
}
