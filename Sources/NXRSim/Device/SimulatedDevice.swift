import Crypto
import Foundation
import Logging
import NETCONF
import NIOCore
import NIOPosix

/// One simulated NXR router: an SSH/NETCONF server on its own loopback address, its datastores and state folder,
/// its CRP announcements and the faults it has been told to show.
///
/// All mutable state lives on the device's event loop; public methods hop onto it and return futures.
public final class SimulatedDevice: @unchecked Sendable {
    /// How to run a device.
    public struct Settings: Sendable {
        public var identity: DeviceIdentity
        /// The loopback address to listen on (127.0.0.0/8).
        public var address: String
        public var port: Int
        /// Host key, configs and firmware version are kept here.
        public var stateDirectory: URL
        public var authorized: AuthorizedKeys
        /// Where to send CRP announcements (loopback only), e.g. `127.0.0.1:10625`.
        public var crpServer: String?
        /// Seconds a reboot takes.
        public var rebootDelay: TimeInterval
        /// Seconds between CRP keepalive announcements.
        public var keepalive: TimeInterval
        /// The tenant's CRP secret: announcements are signed when set.
        public var crpSecret: [UInt8]?

        public init(
            identity: DeviceIdentity, address: String, port: Int = 830, stateDirectory: URL,
            authorized: AuthorizedKeys, crpServer: String? = nil, rebootDelay: TimeInterval = 5,
            keepalive: TimeInterval = 3600, crpSecret: [UInt8]? = nil
        ) {
            self.crpSecret = crpSecret
            self.identity = identity
            self.address = address
            self.port = port
            self.stateDirectory = stateDirectory
            self.authorized = authorized
            self.crpServer = crpServer
            self.rebootDelay = rebootDelay
            self.keepalive = keepalive
        }
    }

    /// Where the device is in its life.
    public enum Lifecycle: String, Sendable, Codable {
        /// Not started, or stopped for good.
        case stopped
        /// Listening and serving sessions.
        case running
        /// Rebooting (or crashed): not listening; back after the reboot delay.
        case rebooting
    }

    public let eventLoop: any EventLoop
    public let clock: VirtualClock
    let logger: Logger

    // Loop-confined state.
    var settings: Settings
    var engine: NETCONFServerEngine
    var hostKey: Curve25519.Signing.PrivateKey
    var channels: [UInt32: any Channel] = [:]
    var pendingHellos: [UInt32: [NETCONFServerEngine.Action]] = [:]
    /// A firmware version installed and waiting for the next boot.
    var pendingFirmware: String?
    /// Images installed (transfer done, verified, written) since the device was created: a test proves with it that
    /// `cmsd` flashes each device exactly once (issue 11).
    var firmwareFlashes = 0
    /// Sessions whose client sent EOF while a vendor RPC was running.
    var closeWhenIdle: Set<UInt32> = []
    /// Sessions being cut by the drop-mid-RPC fault.
    var dropping: Set<UInt32> = []
    var listener: (any Channel)?
    var lifecycle: Lifecycle = .stopped
    var faults = DeviceFaults()
    var bootedAt: Date
    var bootCount = 0
    var deadlineTask: Scheduled<Void>?
    var bootTask: Scheduled<Void>?
    var keepaliveTask: Scheduled<Void>?
    var syslog: [String] = []
    var announcer: CRPAnnouncer?
    var announcementsSent = 0
    /// Announcements sent in this boot.
    var sequence = 0
    /// Asks the fleet whether the peer at an address holds a policy matching ours (set by ``Fleet``).
    /// Told the new running config whenever it changes (set by ``Fleet``).
    var onRunningChanged: (@Sendable (String, XMLElement) -> Void)?
    var ipsecPeerCheck: (@Sendable (String, String, XMLElement) -> Bool)?

    /// Loads (or creates) the device's state folder; call ``start()`` to listen.
    public init(settings: Settings, eventLoop: any EventLoop, clock: VirtualClock, logger: Logger) throws(SimError) {
        self.settings = settings
        self.eventLoop = eventLoop
        self.clock = clock
        self.logger = logger
        self.hostKey = try DeviceHostKey.loadOrCreate(in: settings.stateDirectory)
        let store = DeviceStateStore(directory: settings.stateDirectory)
        if let version = try store.loadFirmwareVersion() {
            self.settings.identity.firmwareVersion = version
        }
        let running =
            try store.load(.running)
            ?? SimModel.defaultConfig(
                identity: settings.identity, address: settings.address, port: settings.port,
                crpServer: settings.crpServer)
        let startup = try store.load(.startup)
        self.bootCount = try store.loadBootID()
        if let server = settings.crpServer {
            self.announcer = try CRPAnnouncer(server: server, secret: settings.crpSecret)
        }
        self.engine = NETCONFServerEngine(
            configuration: Self.engineConfiguration, running: running, startup: startup ?? running)
        self.bootedAt = clock.now()
    }

    static let engineConfiguration = NETCONFServerEngine.Configuration(
        validator: SimModel.validator, vendorNamespaces: [SimModel.namespace])

    /// The device code, or the serial when it has none.
    public var name: String { self.settings.identity.deviceCode ?? self.settings.identity.serial }

    /// The public host key in OpenSSH format (for a known_hosts line).
    public var hostKeyOpenSSH: EventLoopFuture<String> {
        self.eventLoop.submit { DeviceHostKey.openSSHPublicKey(self.hostKey) }
    }

    // MARK: Life

    /// Binds the SSH listener and announces the device.
    public func start() -> EventLoopFuture<Void> {
        self.eventLoop.flatSubmit {
            self.lifecycle = .running
            self.newBoot()
            self.onRunningChanged?(self.settings.address, self.engine.running)
            self.log(
                "system: NXR \(self.settings.identity.product) firmware \(self.settings.identity.firmwareVersion) started"
            )
            return self.bindListener().map {
                self.announce()
                self.scheduleKeepalive()
                self.scheduleRebootLoop()
            }
        }
    }

    /// Closes everything for good.
    public func stop() -> EventLoopFuture<Void> {
        self.eventLoop.flatSubmit {
            self.lifecycle = .stopped
            self.bootTask?.cancel()
            self.keepaliveTask?.cancel()
            self.deadlineTask?.cancel()
            self.dropAllSessions()
            return self.closeListener()
        }
    }

    func bindListener() -> EventLoopFuture<Void> {
        guard self.listener == nil, !self.faults.refuseConnections, self.lifecycle == .running else {
            return self.eventLoop.makeSucceededVoidFuture()
        }
        return SSHListener.bind(
            host: self.settings.address, port: self.settings.port, on: self.eventLoop, hostKey: self.hostKey,
            authorized: self.settings.authorized, sessionHost: self,
            accept: { [weak self] in self?.lifecycle == .running }
        ).map { channel in
            self.listener = channel
            // Port 0 asks the system for a free port; keep it across reboots.
            if self.settings.port == 0, let port = channel.localAddress?.port { self.settings.port = port }
        }
    }

    func closeListener() -> EventLoopFuture<Void> {
        guard let listener = self.listener else { return self.eventLoop.makeSucceededVoidFuture() }
        self.listener = nil
        return listener.close().recover { _ in }
    }

    func dropAllSessions() {
        let open = self.channels
        self.perform(self.engine.closeAllSessions(now: self.clock.now()))
        for channel in open.values {
            (channel.parent ?? channel).close(promise: nil)
        }
    }

    /// Reboots now: sessions dropped, listener closed, back after the reboot delay with a fresh announcement.
    func reboot(reason: String) {
        guard self.lifecycle == .running else { return }
        self.log("system: reboot (\(reason))")
        self.lifecycle = .rebooting
        self.keepaliveTask?.cancel()
        self.dropAllSessions()
        _ = self.closeListener()
        self.bootTask?.cancel()
        self.bootTask = self.eventLoop.scheduleTask(in: .milliseconds(Int64(self.settings.rebootDelay * 1000))) {
            self.boot()
        }
    }

    func boot() {
        guard self.lifecycle == .rebooting else { return }
        self.lifecycle = .running
        self.newBoot()
        self.log(
            "system: NXR \(self.settings.identity.product) firmware \(self.settings.identity.firmwareVersion) started")
        self.bindListener().whenComplete { _ in
            self.announce()
            self.scheduleKeepalive()
            self.scheduleRebootLoop()
        }
    }

    /// A new boot: uptime from now, boot-id + 1 (kept in the state folder), CRP sequence from 1.
    func newBoot() {
        if let version = self.pendingFirmware {
            self.settings.identity.firmwareVersion = version
            self.pendingFirmware = nil
        }
        self.bootedAt = self.clock.now()
        self.bootCount += 1
        self.sequence = 0
        do {
            try DeviceStateStore(directory: self.settings.stateDirectory).saveBootID(self.bootCount)
        } catch {
            self.logger.error("cannot save boot-id", metadata: ["device.code": "\(self.name)", "error": "\(error)"])
        }
    }

    func scheduleRebootLoop() {
        guard let period = self.faults.rebootLoop else { return }
        self.bootTask?.cancel()
        self.bootTask = self.eventLoop.scheduleTask(in: .milliseconds(Int64(period * 1000))) {
            if self.faults.rebootLoop != nil { self.reboot(reason: "reboot loop fault") }
        }
    }

    func scheduleKeepalive() {
        self.keepaliveTask?.cancel()
        guard self.settings.crpServer != nil, self.settings.keepalive > 0 else { return }
        self.keepaliveTask = self.eventLoop.scheduleTask(in: .milliseconds(Int64(self.settings.keepalive * 1000))) {
            guard self.lifecycle == .running else { return }
            self.announce()
            self.scheduleKeepalive()
        }
    }

    func log(_ message: String) {
        let stamp = Self.syslogTime(self.clock.now())
        self.syslog.append("\(stamp) \(self.settings.identity.hostname) \(message)")
        if self.syslog.count > 2000 { self.syslog.removeFirst(self.syslog.count - 2000) }
    }

    static func syslogTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MMM dd HH:mm:ss"
        return formatter.string(from: date)
    }

    // MARK: Engine actions

    func perform(_ actions: [NETCONFServerEngine.Action]) {
        for action in actions {
            switch action {
            case .send(let session, let bytes):
                guard let channel = self.channels[session] else { continue }
                if self.faults.replyDelay > 0 {
                    self.eventLoop.scheduleTask(in: .milliseconds(Int64(self.faults.replyDelay * 1000))) {
                        channel.writeNETCONF(bytes)
                    }
                } else {
                    channel.writeNETCONF(bytes)
                }
            case .close(let session):
                if let channel = self.channels.removeValue(forKey: session) {
                    if self.faults.replyDelay > 0 {
                        self.eventLoop.scheduleTask(in: .milliseconds(Int64(self.faults.replyDelay * 1000) + 50)) {
                            channel.closeNETCONF()
                        }
                    } else {
                        channel.closeNETCONF()
                    }
                }
            case .runningChanged:
                self.persist(.running)
                self.onRunningChanged?(self.settings.address, self.engine.running)
            case .startupChanged:
                self.persist(.startup)
            case .vendorRPC(let session, let messageID, let attributes, let operation):
                self.handleVendorRPC(
                    session: session, messageID: messageID, attributes: attributes, operation: operation)
            case .crash:
                self.log("kernel: panic during commit (injected fault)")
                self.faults.crashDuringCommit = false
                self.engine.faults.crashDuringCommit = false
                self.reboot(reason: "crash")
            }
        }
        self.rescheduleDeadline()
    }

    func persist(_ which: DeviceStateStore.Datastore) {
        let store = DeviceStateStore(directory: self.settings.stateDirectory)
        do {
            try store.save(which == .running ? self.engine.running : self.engine.startup, as: which)
        } catch {
            self.logger.error(
                "cannot save \(which.rawValue)", metadata: ["device.code": "\(self.name)", "error": "\(error)"])
        }
    }

    /// Sends a vendor RPC reply; the session's waiting RPCs run after it.
    func reply(_ session: UInt32, _ message: [UInt8]) {
        self.perform(
            self.engine.finishVendorRPC(
                session: session, reply: message, now: self.clock.now(),
                operational: { running in self.operationalState(running: running) }))
        if self.closeWhenIdle.contains(session) && !self.engine.isBusy(session) {
            self.closeWhenIdle.remove(session)
            self.sessionInputClosed(session)
        }
    }

    func rescheduleDeadline() {
        self.deadlineTask?.cancel()
        self.deadlineTask = nil
        guard let deadline = self.engine.nextDeadline, !self.clock.isPaused else { return }
        let delay = max(0, deadline.timeIntervalSince(self.clock.now()))
        self.deadlineTask = self.eventLoop.scheduleTask(in: .milliseconds(Int64(delay * 1000) + 1)) {
            self.timePassed()
        }
    }

    /// Re-evaluates timers against the (possibly advanced) clock.
    func timePassed() {
        let actions = self.engine.tick(now: self.clock.now())
        if !actions.isEmpty { self.log("netconf: confirmed commit timed out; configuration reverted") }
        self.perform(actions)
    }

    func operationalState(running: XMLElement) -> [XMLElement] {
        let now = self.clock.now()
        return SimModel.state(
            identity: self.settings.identity, uptime: now.timeIntervalSince(self.bootedAt), bootID: self.bootCount,
            address: self.settings.address, running: running, now: now)
    }
}

// MARK: - Sessions

extension SimulatedDevice: NETCONFSessionHost {
    func sessionStarted(channel: any Channel) -> UInt32? {
        guard self.lifecycle == .running else { return nil }
        let (id, actions) = self.engine.open(now: self.clock.now())
        self.channels[id] = channel
        self.pendingHellos[id] = actions
        self.log("netconf: session \(id) started")
        return id
    }

    func sessionReady(_ session: UInt32) {
        // The hello goes out only after the subsystem's success reply.
        if let actions = self.pendingHellos.removeValue(forKey: session) { self.perform(actions) }
    }

    func sessionReceived(_ session: UInt32, bytes: [UInt8]) {
        if self.faults.dropSessionMidRPC, let channel = self.channels[session], Self.containsRPC(bytes) {
            self.log("netconf: session \(session) dropped (injected fault)")
            // Let what was already written (the hello) leave first, then cut the connection.
            self.dropping.insert(session)
            self.eventLoop.scheduleTask(in: .milliseconds(30)) { (channel.parent ?? channel).close(promise: nil) }
            return
        }
        let actions = self.engine.receive(
            session, bytes, now: self.clock.now(), operational: { running in self.operationalState(running: running) })
        self.perform(actions)
    }

    func sessionInputClosed(_ session: UInt32) {
        guard let channel = self.channels[session], !self.dropping.contains(session) else { return }
        if self.engine.isBusy(session) {
            // A vendor RPC (e.g. a firmware download) is still running: close after its reply.
            self.closeWhenIdle.insert(session)
            return
        }
        if self.faults.replyDelay > 0 {
            self.eventLoop.scheduleTask(in: .milliseconds(Int64(self.faults.replyDelay * 1000) + 50)) {
                channel.closeNETCONF()
            }
        } else {
            channel.closeNETCONF()
        }
    }

    func sessionEnded(_ session: UInt32) {
        self.channels[session] = nil
        self.pendingHellos[session] = nil
        self.dropping.remove(session)
        self.closeWhenIdle.remove(session)
        self.log("netconf: session \(session) ended")
        self.perform(self.engine.end(session, now: self.clock.now()))
    }

    static func containsRPC(_ bytes: [UInt8]) -> Bool {
        let needle = Array("rpc ".utf8)
        let needle2 = Array("rpc>".utf8)
        guard bytes.count >= 4 else { return false }
        for index in 0...(bytes.count - 4) {
            let window = bytes[index..<(index + 4)]
            if (window.elementsEqual(needle) || window.elementsEqual(needle2)) && index > 0
                && (bytes[index - 1] == UInt8(ascii: "<") || bytes[index - 1] == UInt8(ascii: ":"))
            {
                return true
            }
        }
        return false
    }
}
