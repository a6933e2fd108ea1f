import Crypto
import Foundation
import NETCONF
import NETCONFClient
import NXRSim

/// A simulated NXR held in memory: the simulator's pure ``NETCONFServerEngine`` (the same datastores, locks,
/// confirmed commits, validation against `schemas/nxr.yang` and notifications as `nxr-sim`) behind
/// ``InMemorySession``s instead of SSH channels. No socket, no thread, no timer: tests of the daemon run
/// against it in milliseconds and deterministically.
///
/// The device still has an ed25519 host key and presents it at connect, before anything else: the caller's
/// ``HostKeyPolicy`` decides, and a refused key ends the attempt with `hostKeyRejected` before a session is
/// opened or an RPC is received (``sessionsOpened`` and ``rpcsReceived`` prove it).
public actor InMemoryDevice {
    public nonisolated let identity: DeviceIdentity
    /// The address and port it answers on (a name in the in-memory fleet, not a socket).
    public nonisolated let address: String
    public nonisolated let port: Int

    var engine: NETCONFServerEngine
    private var hostKey: Curve25519.Signing.PrivateKey
    let now: @Sendable () -> Date
    let bootedAt: Date
    private var bootCount = 1
    /// The boot id its CRP announcements carry: one more after every reboot, as a real NXR's.
    public var bootID: UInt32 { UInt32(clamping: bootCount) }
    /// Reboots ordered by a client's `reboot` RPC (carried out after its reply is delivered).
    public private(set) var reboots = 0
    var rebootRequested = false
    /// Config restores received (`config-restore` RPCs answered with a reboot).
    public internal(set) var restores = 0
    private var online = true
    private var streams: [UInt32: AsyncStream<NETCONF.Notification>.Continuation] = [:]
    private var decoders: [UInt32: SessionFraming] = [:]
    /// Called (awaited) after the device handled an RPC of a client and before the client gets the reply, with
    /// the operation's name: tests put something between two steps of an apply (a console change right after
    /// edit-config).
    private var afterRPC: (@Sendable (String) async -> Void)?
    /// What the diagnostic RPCs answer from (syslog lines, the size of `show tech-support`).
    var diagnostics = InMemoryDiagnostics()

    /// A device with the factory configuration of `identity` (as `nxr-sim` makes it).
    public init(
        identity: DeviceIdentity, address: String, port: Int = 830,
        now: @escaping @Sendable () -> Date = { Date(timeIntervalSince1970: 1_800_000_000) }
    ) {
        self.identity = identity
        self.address = address
        self.port = port
        self.now = now
        self.bootedAt = now()
        self.hostKey = Curve25519.Signing.PrivateKey()
        let running = SimModel.defaultConfig(identity: identity, address: address, port: port, crpServer: nil)
        self.engine = NETCONFServerEngine(
            configuration: NETCONFServerEngine.Configuration(
                validator: SimModel.validator, vendorNamespaces: [SimModel.namespace]),
            running: running)
    }

    // MARK: - What tests look at and change

    /// The host key's OpenSSH fingerprint (`SHA256:…`).
    public var hostKeyFingerprint: String { DeviceHostKey.fingerprint(hostKey) }
    public var running: XMLElement { engine.running }
    public var sessionsOpened: Int { engine.sessionsOpened }
    public var rpcsReceived: Int { engine.rpcsReceived }
    public var openSessions: [UInt32] { engine.sessionIDs }
    public var confirmedCommitPending: Bool { engine.confirmedCommitPending }

    /// Faults the engine honours (refused edits, a crash during commit).
    public func setFaults(_ faults: NETCONFServerEngine.Faults) { engine.faults = faults }

    public func setAfterRPC(_ hook: (@Sendable (String) async -> Void)?) { afterRPC = hook }

    /// A change made at the console: running changes, subscribers get `config-change`.
    @discardableResult
    public func changeOutOfBand(_ edit: [XMLElement]) -> [RPCError] {
        var root = engine.running
        let errors = ConfigEdit.apply(edit, to: &root, errorOption: .rollbackOnError)
        guard errors.isEmpty else { return errors }
        perform(engine.replaceRunning(root, now: now()))
        return []
    }

    /// A new host key (impersonation, replaced hardware); open sessions are dropped.
    public func rotateHostKey() -> String {
        hostKey = Curve25519.Signing.PrivateKey()
        dropSessions()
        return hostKeyFingerprint
    }

    /// Every session ends at once (cable pulled, crash): locks released, a pending confirmed commit reverted.
    public func dropSessions() {
        perform(engine.closeAllSessions(now: now()))
    }

    /// Off: sessions dropped, connects refused until ``setOnline(_:)`` with true.
    public func setOnline(_ value: Bool) {
        online = value
        if !value { dropSessions() } else { bootCount += 1 }
    }

    // MARK: - Sessions

    /// Opens a session: presents the host key to `policy` first; then the hello exchange.
    public func connect(policy: HostKeyPolicy) async throws -> InMemorySession {
        guard online else {
            throw NETCONFClientError(
                .connectFailed, host: address, port: port, message: "connection refused (the device is off)")
        }
        let key = presentedKey()
        if case .reject(let reason) = await policy.verify(key) {
            throw NETCONFClientError(.hostKeyRejected, host: address, port: port, message: reason)
        }
        guard online else {
            throw NETCONFClientError(.connectFailed, host: address, port: port, message: "the device went off")
        }
        let (id, actions) = engine.open(now: now())
        var framing = SessionFraming()
        var serverHello: Hello?
        for case .send(id, let bytes) in actions {
            framing.receive(bytes)
            if let message = try framing.next() { serverHello = try Hello.parse(message) }
        }
        guard let serverHello else {
            throw NETCONFClientError(.helloInvalid, host: address, port: port, message: "no server hello")
        }
        let clientHello = Hello(capabilities: [Capability.base10, Capability.base11])
        let helloBytes = framing.frame(clientHello.serialize())
        framing.negotiate(local: clientHello, remote: serverHello)
        decoders[id] = framing
        perform(engine.receive(id, helloBytes, now: now(), operational: operational))
        return InMemorySession(device: self, id: id, hello: serverHello, hostKey: key)
    }

    /// One RPC of session `id`: the reply message (rpc-reply), or nil when the session is gone.
    func exchange(_ id: UInt32, messageID: String, operation: XMLElement) async -> [UInt8]? {
        guard let framing = decoders[id] else { return nil }
        let bytes = framing.frame(RPC.envelope(messageID: messageID, operation: operation))
        let replies = perform(engine.receive(id, bytes, now: now(), operational: operational), replyTo: id)
        if let afterRPC { await afterRPC(operation.name) }
        if rebootRequested {
            // The reply is out; the device restarts: every session ends, it boots again (and would announce).
            rebootRequested = false
            reboots += 1
            bootCount += 1
            dropSessions()
        }
        return replies.first
    }

    func subscribe(_ id: UInt32, _ continuation: AsyncStream<NETCONF.Notification>.Continuation) {
        guard decoders[id] != nil else {
            continuation.finish()
            return
        }
        streams[id] = continuation
    }

    func isOpen(_ id: UInt32) -> Bool { decoders[id] != nil }

    /// The client closed its end without close-session.
    func abandon(_ id: UInt32) {
        guard decoders[id] != nil else { return }
        perform(engine.end(id, now: now()))
        ended(id)
    }

    // MARK: - Engine actions

    /// Carries out the engine's actions; returns the messages sent to `replyTo` that are not notifications.
    @discardableResult
    private func perform(_ actions: [NETCONFServerEngine.Action], replyTo: UInt32? = nil) -> [[UInt8]] {
        var replies: [[UInt8]] = []
        var pending = actions
        while !pending.isEmpty {
            let action = pending.removeFirst()
            switch action {
            case .send(let session, let bytes):
                guard var framing = decoders[session] else { continue }
                framing.receive(bytes)
                while let message = try? framing.next() {
                    switch try? RPCReply.parse(message) {
                    case .notification(let notification)?: streams[session]?.yield(notification)
                    case .reply?: if session == replyTo { replies.append(message) }
                    case nil: break
                    }
                }
                decoders[session] = framing
            case .close(let session):
                ended(session)
            case .runningChanged, .startupChanged:
                break
            case .vendorRPC(let session, let messageID, let attributes, let operation):
                if let reply =
                    diagnosticReply(messageID: messageID, attributes: attributes, operation: operation)
                    ?? restoreReply(messageID: messageID, attributes: attributes, operation: operation)
                {
                    pending += engine.finishVendorRPC(session: session, reply: reply, now: now(), operational: operational)
                    continue
                }
                // Vendor operations other than reboot (firmware, IPsec status…) need the full simulator.
                let reply: [UInt8]
                if operation.name == "reboot" {
                    rebootRequested = true
                    reply = Reply.ok(messageID: messageID, attributes: attributes)
                } else {
                    reply = Reply.errors(
                        messageID: messageID,
                        [RPCError.operationNotSupported("\(operation.name) (not simulated by the in-memory device)")],
                        attributes: attributes)
                }
                pending += engine.finishVendorRPC(session: session, reply: reply, now: now(), operational: operational)
            case .crash:
                engine.faults.crashDuringCommit = false
                pending += engine.closeAllSessions(now: now())
                bootCount += 1
            }
        }
        return replies
    }

    private func ended(_ session: UInt32) {
        decoders[session] = nil
        streams.removeValue(forKey: session)?.finish()
    }

    var operational: (XMLElement) -> [XMLElement] {
        let (identity, address, time, booted, boot) = (identity, address, now(), bootedAt, bootCount)
        return { running in
            SimModel.state(
                identity: identity, uptime: time.timeIntervalSince(booted), bootID: boot, address: address,
                running: running, now: time)
        }
    }

    private func presentedKey() -> SSHHostKey {
        let fields = DeviceHostKey.openSSHPublicKey(hostKey).split(separator: " ")
        let blob = fields.count > 1 ? [UInt8](Data(base64Encoded: String(fields[1])) ?? Data()) : []
        return SSHHostKey(
            host: address, port: port, type: .ed25519, rawKey: blob, sha256: Array(SHA256.hash(data: blob)))
    }
}
