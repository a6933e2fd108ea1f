#if canImport(Glibc)
    import Glibc
#endif
import CLibSSH2
import Logging
import NETCONF

/// One NETCONF-over-SSH session as a state machine driven by the event loop. It owns the socket and
/// the libssh2 session and channel handles; only the loop thread touches it.
///
/// Each step calls the current libssh2 function; on `LIBSSH2_ERROR_EAGAIN` it stops, the loop waits
/// for the directions `libssh2_session_block_directions` names, and the SAME call is retried with the
/// same arguments (libssh2 keeps the half-done work inside the session).
final class SessionEngine {
    /// Where the session is in its life.
    enum State: Equatable {
        /// Non-blocking TCP connect in flight; waits for writability.
        case connecting
        /// `libssh2_session_handshake` (key exchange).
        case handshaking
        /// Waiting for the host-key policy (runs on a task, not on this thread).
        case verifyingHostKey
        /// `libssh2_userauth_list`: which methods the server offers.
        case listingAuthMethods
        /// `libssh2_userauth_publickey_frommemory` or `libssh2_userauth_password_ex`.
        case authenticating
        /// `libssh2_channel_open_ex("session")`.
        case openingChannel
        /// `libssh2_channel_handle_extended_data2(IGNORE)`: stderr must not fill the window.
        case ignoringStderr
        /// `libssh2_channel_process_startup("subsystem", "netconf")`.
        case startingSubsystem
        /// Our hello is written alone; the server's hello is awaited.
        case exchangingHellos
        /// RPCs flow; replies are matched by message-id.
        case ready
        /// `libssh2_channel_close` (sends CLOSE, waits for the peer's).
        case closingChannel
        /// `libssh2_channel_free`.
        case freeingChannel
        /// `libssh2_session_disconnect_ex`.
        case disconnecting
        /// `libssh2_session_free`, then the socket is closed.
        case freeingSession
        /// Everything released.
        case finished
    }

    private struct Pending {
        var continuation: CheckedContinuation<RPCReply, any Error>
        var deadline: UInt64
    }

    private struct Outgoing {
        var bytes: [UInt8]
        var offset = 0
    }

    let id: UInt64
    private unowned let core: LoopCore
    private let request: ConnectRequest
    private var logger: Logger
    private(set) var state: State = .connecting
    var touched = false

    private var fd: Int32 = -1
    private var session: OpaquePointer?
    private var channel: OpaquePointer?
    private var registeredEvents: UInt32?
    /// Set when a libssh2 call returned EAGAIN during setup/close: wait for its block directions.
    private var waitingOnLibssh2 = false

    private var openContinuation: CheckedContinuation<SessionReady, any Error>?
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []
    private var hostKey: SSHHostKey?
    private var offeredMethods: String = ""
    private let keyBytes: [UInt8]
    /// An unencrypted OpenSSH ed25519 key parsed once in Swift (nil: libssh2 parses the key itself).
    private let signer: Ed25519Signer?
    /// The `abstract` libssh2 hands to the sign callback: points at `signer`; lives as long as we do.
    private var signAbstract: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    private let secretBytes: [UInt8]

    /// End-of-message until both hellos are known, then the negotiated mode (RFC 6242 §4.1).
    private var framing: SessionFraming
    private var serverHello: Hello?
    private var helloWritten = false
    private var outgoing: [Outgoing] = []
    private var outgoingHead = 0
    private var pending: [String: Pending] = [:]
    private var notifications: AsyncStream<Notification>.Continuation?

    private var setupDeadline: UInt64 = 0
    private var helloDeadline: UInt64 = 0
    private var closeDeadline: UInt64 = 0
    private var nextKeepalive: UInt64?
    /// A `<close-session>` went out: the device ending the channel is the expected answer.
    private var closeRequested = false
    /// Why the session ended (reported to every later caller).
    private var failure: NETCONFClientError?

    init(
        id: UInt64, request: ConnectRequest, core: LoopCore,
        continuation: CheckedContinuation<SessionReady, any Error>
    ) {
        self.id = id
        self.request = request
        self.core = core
        self.openContinuation = continuation
        var logger = request.logger
        logger[metadataKey: "netconf.host"] = "\(request.host)"
        logger[metadataKey: "netconf.port"] = "\(request.port)"
        logger[metadataKey: "netconf.user"] = "\(request.username)"
        self.logger = logger
        framing = SessionFraming(maxMessageSize: request.maxMessageSize)
        switch request.auth {
        case let .publicKey(privateKey, passphrase):
            keyBytes = Array(privateKey.utf8)
            secretBytes = passphrase.map { Array($0.utf8) + [0] } ?? []
            signer = Ed25519Signer.parse(privateKey)
        case let .password(password):
            keyBytes = []
            signer = nil
            secretBytes = Array(password.utf8)
        }
    }

    deinit {
        signAbstract?.deallocate()
    }

    var isFinished: Bool { state == .finished }

    // MARK: - Events from the loop

    func start() {
        let now = monotonicNanoseconds()
        setupDeadline = now + request.timeouts.connect.nanoseconds
        core.schedule(self, at: setupDeadline)
        let family = request.endpoint.family == .v4 ? AF_INET : AF_INET6
        fd = socket(
            family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            fail(.connectFailed, "cannot create a socket: \(String(cString: strerror(errno)))", transportUsable: false)
            return
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if let keepalive = request.timeouts.keepalive {
            // Unacknowledged data for three keepalive intervals means the peer is gone.
            var userTimeout = UInt32(min(keepalive.nanoseconds / 1_000_000 * 3, UInt64(UInt32.max)))
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_USER_TIMEOUT, &userTimeout, socklen_t(MemoryLayout<UInt32>.size))
        }
        let rc = request.endpoint.withSockAddr { connect(fd, $0, $1) }
        if rc == 0 || errno == EINPROGRESS {
            logger.debug("netconf tcp connect started")
            return
        }
        fail(.connectFailed, "TCP connect failed: \(String(cString: strerror(errno)))", transportUsable: false)
    }

    func ioReady(events: UInt32) {
        switch state {
        case .connecting:
            finishConnect()
        case .verifyingHostKey where events & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0:
            // Nothing is read while the policy decides; a hang-up would otherwise wake us forever.
            fail(
                .sshHandshakeFailed, "the server closed the connection during the host-key check",
                transportUsable: false)
            return
        default:
            break
        }
        drive()
    }

    func hostKeyDecided(_ decision: HostKeyDecision) {
        guard state == .verifyingHostKey else { return }
        switch decision {
        case .accept:
            logger.debug("netconf host key accepted", metadata: ["netconf.hostkey": "\(hostKey?.fingerprint ?? "?")"])
            state = .listingAuthMethods
            drive()
        case let .reject(reason):
            fail(
                .hostKeyRejected,
                "host key \(hostKey?.description ?? "?") rejected before authentication: \(reason)",
                transportUsable: true)
        }
    }

    func send(
        messageID: String, bytes: [UInt8], timeout: UInt64, closesSession: Bool,
        continuation: CheckedContinuation<RPCReply, any Error>
    ) {
        guard state == .ready else {
            continuation.resume(throwing: failure ?? error(.sessionClosed, "the session is not open"))
            return
        }
        if closesSession { closeRequested = true }
        let deadline = monotonicNanoseconds() &+ timeout
        pending[messageID] = Pending(continuation: continuation, deadline: deadline)
        core.schedule(self, at: deadline)
        outgoing.append(Outgoing(bytes: bytes))
        drive()
    }

    func cancel(messageID: String) {
        pending.removeValue(forKey: messageID)?.continuation.resume(
            throwing: error(.cancelled, "the task waiting for reply \(messageID) was cancelled"))
    }

    func subscribe(_ stream: AsyncStream<Notification>.Continuation) {
        if state == .ready {
            notifications?.finish()
            notifications = stream
        } else {
            stream.finish()
        }
    }

    func close(_ continuation: CheckedContinuation<Void, Never>?) {
        if let continuation {
            if state == .finished {
                continuation.resume()
                return
            }
            closeWaiters.append(continuation)
        }
        guard !isClosing else { return }
        endSession(error(.sessionClosed, "the session was closed by the client"), transportUsable: true)
    }

    func timerFired(now: UInt64) {
        switch state {
        case .connecting, .handshaking, .verifyingHostKey, .listingAuthMethods, .authenticating,
            .openingChannel, .ignoringStderr, .startingSubsystem:
            if now >= setupDeadline {
                fail(
                    .connectTimeout,
                    "no NETCONF session within \(request.timeouts.connect) "
                        + "(stuck while \(Self.describe(state)))", transportUsable: false)
            }
        case .exchangingHellos:
            if now >= helloDeadline {
                fail(
                    .helloTimeout, "the server's <hello> did not arrive within \(request.timeouts.hello)",
                    transportUsable: true)
            }
        case .ready:
            let expired = pending.filter { $0.value.deadline <= now }
            for (messageID, entry) in expired {
                pending.removeValue(forKey: messageID)
                logger.warning("netconf rpc timed out", metadata: ["netconf.message-id": "\(messageID)"])
                entry.continuation.resume(
                    throwing: error(
                        .rpcTimeout,
                        "no reply to message-id \(messageID) in time; "
                            + "the session stays open and a late reply is dropped"))
            }
            if let next = nextKeepalive, now >= next {
                sendKeepalive(now: now)
            }
        case .closingChannel, .freeingChannel, .disconnecting, .freeingSession:
            if now >= closeDeadline {
                logger.debug("netconf graceful close timed out; dropping the connection")
                forceClose()
            }
        case .finished:
            break
        }
        drive()
    }

    // MARK: - The state machine

    /// Runs steps until one has to wait.
    private func drive() {
        while true {
            let progressed: Bool
            switch state {
            case .connecting, .verifyingHostKey, .finished:
                return
            case .handshaking: progressed = stepHandshake()
            case .listingAuthMethods: progressed = stepListAuth()
            case .authenticating: progressed = stepAuthenticate()
            case .openingChannel: progressed = stepOpenChannel()
            case .ignoringStderr: progressed = stepIgnoreStderr()
            case .startingSubsystem: progressed = stepStartSubsystem()
            case .exchangingHellos, .ready:
                pump()
                return
            case .closingChannel: progressed = stepCloseChannel()
            case .freeingChannel: progressed = stepFreeChannel()
            case .disconnecting: progressed = stepDisconnect()
            case .freeingSession: progressed = stepFreeSession()
            }
            if !progressed { return }
        }
    }

    private func finishConnect() {
        var soError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
        if soError == EINPROGRESS || soError == EALREADY { return }
        guard soError == 0 else {
            fail(.connectFailed, "TCP connect failed: \(String(cString: strerror(soError)))", transportUsable: false)
            return
        }
        guard let created = libssh2_session_init_ex(nil, nil, nil, nil) else {
            fail(.connectFailed, "libssh2 could not allocate a session", transportUsable: false)
            return
        }
        session = created
        libssh2_session_set_blocking(created, 0)
        if let keepalive = request.timeouts.keepalive {
            libssh2_keepalive_config(created, 1, UInt32(max(1, keepalive.nanoseconds / 1_000_000_000)))
        }
        logger.debug("netconf tcp connected")
        state = .handshaking
    }

    /// Returns true when the step finished and the next one can run now.
    private func again(_ rc: Int32) -> Bool {
        if rc == LIBSSH2_ERROR_EAGAIN {
            waitingOnLibssh2 = true
            return true
        }
        waitingOnLibssh2 = false
        return false
    }

    private func stepHandshake() -> Bool {
        guard let session else { return false }
        let rc = libssh2_session_handshake(session, libssh2_socket_t(fd))
        if again(rc) { return false }
        guard rc == 0 else {
            fail(.sshHandshakeFailed, "SSH key exchange failed: \(lastError())", transportUsable: false)
            return false
        }
        var length = 0
        var type: Int32 = 0
        guard let raw = libssh2_session_hostkey(session, &length, &type),
            let hash = libssh2_hostkey_hash(session, LIBSSH2_HOSTKEY_HASH_SHA256)
        else {
            fail(.sshHandshakeFailed, "the server presented no host key", transportUsable: true)
            return false
        }
        let rawKey = raw.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
        let digest = hash.withMemoryRebound(to: UInt8.self, capacity: 32) {
            Array(UnsafeBufferPointer(start: $0, count: 32))
        }
        let key = SSHHostKey(
            host: request.host, port: request.port, type: Self.keyType(type), rawKey: rawKey, sha256: digest)
        hostKey = key
        state = .verifyingHostKey
        logger.debug(
            "netconf ssh handshake done; verifying host key", metadata: ["netconf.hostkey": "\(key.fingerprint)"])
        let policy = request.hostKey
        let id = self.id
        let mailbox = core.mailbox
        Task {
            let decision = await policy.verify(key)
            _ = mailbox.post(.hostKeyDecision(id: id, decision: decision))
        }
        return false
    }

    private func stepListAuth() -> Bool {
        guard let session else { return false }
        let user = request.username
        let list = user.withCString { libssh2_userauth_list(session, $0, UInt32(strlen($0))) }
        if let list {
            offeredMethods = String(cString: list)
            waitingOnLibssh2 = false
            let offered = offeredMethods.split(separator: ",").map(String.init)
            guard offered.contains(request.auth.methodName) else {
                fail(
                    .authMethodNotOffered,
                    "the server offers [\(offeredMethods)] for user \(user), not \(request.auth.methodName)",
                    transportUsable: true)
                return false
            }
            state = .authenticating
            return true
        }
        if libssh2_userauth_authenticated(session) != 0 {
            waitingOnLibssh2 = false
            state = .openingChannel  // "none" authentication was accepted
            return true
        }
        if again(libssh2_session_last_errno(session)) { return false }
        fail(.authenticationFailed, "cannot list authentication methods: \(lastError())", transportUsable: false)
        return false
    }

    private func stepAuthenticate() -> Bool {
        guard let session else { return false }
        let user = Array(request.username.utf8)
        let rc: Int32
        if case .publicKey = request.auth, let signer {
            if signAbstract == nil {
                let abstract = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 1)
                abstract.initialize(to: Unmanaged.passUnretained(signer).toOpaque())
                signAbstract = abstract
            }
            rc = request.username.withCString { userChars in
                signer.publicKeyBlob.withUnsafeBufferPointer { blob in
                    libssh2_userauth_publickey(
                        session, userChars, blob.baseAddress, blob.count, signWithEd25519Signer, signAbstract)
                }
            }
        } else {
            switch request.auth {
            case .publicKey:
                rc = user.withUnsafeBufferPointer { userPtr in
                    keyBytes.withUnsafeBufferPointer { keyPtr in
                        secretBytes.withUnsafeBufferPointer { passPtr in
                            userPtr.withMemoryRebound(to: CChar.self) { userChars in
                                keyPtr.withMemoryRebound(to: CChar.self) { keyChars in
                                    passPtr.withMemoryRebound(to: CChar.self) { passChars in
                                        libssh2_userauth_publickey_frommemory(
                                            session, userChars.baseAddress, user.count, nil, 0,
                                            keyChars.baseAddress, keyBytes.count,
                                            secretBytes.isEmpty ? nil : passChars.baseAddress)
                                    }
                                }
                            }
                        }
                    }
                }
            case .password:
                rc = user.withUnsafeBufferPointer { userPtr in
                    secretBytes.withUnsafeBufferPointer { passPtr in
                        userPtr.withMemoryRebound(to: CChar.self) { userChars in
                            passPtr.withMemoryRebound(to: CChar.self) { passChars in
                                libssh2_userauth_password_ex(
                                    session, userChars.baseAddress, UInt32(user.count),
                                    passChars.baseAddress, UInt32(secretBytes.count), nil)
                            }
                        }
                    }
                }
            }
        }
        if again(rc) { return false }
        switch rc {
        case 0:
            logger.debug("netconf ssh authenticated", metadata: ["netconf.auth": "\(request.auth.methodName)"])
            state = .openingChannel
            return true
        case LIBSSH2_ERROR_AUTHENTICATION_FAILED, LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED, LIBSSH2_ERROR_PASSWORD_EXPIRED:
            fail(
                .authenticationFailed,
                "the server refused \(request.auth.methodName) authentication for user "
                    + "\(request.username) (\(lastError())); check the credentials and the device's user list",
                transportUsable: true)
        case LIBSSH2_ERROR_FILE, LIBSSH2_ERROR_METHOD_NOT_SUPPORTED:
            fail(
                .invalidKey,
                "the private key cannot be used (\(lastError())); give an unencrypted or correctly "
                    + "unlocked OpenSSH/PEM ed25519, ECDSA or RSA key", transportUsable: true)
        default:
            fail(.authenticationFailed, "authentication failed: \(lastError())", transportUsable: false)
        }
        return false
    }

    private func stepOpenChannel() -> Bool {
        guard let session else { return false }
        let opened = libssh2_channel_open_ex(
            session, "session", 7, 2 * 1024 * 1024 /* LIBSSH2_CHANNEL_WINDOW_DEFAULT */,
            UInt32(LIBSSH2_CHANNEL_PACKET_DEFAULT), nil, 0)
        if let opened {
            waitingOnLibssh2 = false
            channel = opened
            state = .ignoringStderr
            return true
        }
        if again(libssh2_session_last_errno(session)) { return false }
        fail(.channelFailed, "the server refused an SSH session channel: \(lastError())", transportUsable: true)
        return false
    }

    private func stepIgnoreStderr() -> Bool {
        guard let channel else { return false }
        let rc = libssh2_channel_handle_extended_data2(channel, LIBSSH2_CHANNEL_EXTENDED_DATA_IGNORE)
        if again(rc) { return false }
        state = .startingSubsystem
        return true
    }

    private func stepStartSubsystem() -> Bool {
        guard let channel else { return false }
        let rc = libssh2_channel_process_startup(channel, "subsystem", 9, "netconf", 7)
        if again(rc) { return false }
        guard rc == 0 else {
            fail(
                .channelFailed,
                "the server refused the netconf subsystem (\(lastError())); "
                    + "is NETCONF over SSH enabled on the device?", transportUsable: true)
            return false
        }
        logger.debug("netconf subsystem started; sending hello")
        state = .exchangingHellos
        helloDeadline = monotonicNanoseconds() + request.timeouts.hello.nanoseconds
        core.schedule(self, at: helloDeadline)
        // Our hello goes out alone, in its own write: netconfd drops an RPC sharing the hello's write.
        outgoing.append(Outgoing(bytes: framing.frame(request.clientHello.serialize())))
        return true
    }

    /// Ready (or hello) state: flush writes, then read until libssh2 has nothing more.
    private func pump() {
        guard let channel, let session else { return }
        while outgoingHead < outgoing.count {
            let rc = outgoing[outgoingHead].bytes.withUnsafeBufferPointer { buffer -> Int in
                let offset = outgoing[outgoingHead].offset
                return buffer.withMemoryRebound(to: CChar.self) {
                    libssh2_channel_write_ex(channel, 0, $0.baseAddress! + offset, buffer.count - offset)
                }
            }
            if rc == Int(LIBSSH2_ERROR_EAGAIN) { break }
            if rc < 0 {
                fail(.sessionClosed, "writing to the device failed: \(lastError())", transportUsable: false)
                return
            }
            outgoing[outgoingHead].offset += rc
            if outgoing[outgoingHead].offset == outgoing[outgoingHead].bytes.count {
                outgoing[outgoingHead] = Outgoing(bytes: [])
                outgoingHead += 1
                if state == .exchangingHellos { helloWritten = true }
                if outgoingHead == outgoing.count {
                    outgoing.removeAll(keepingCapacity: outgoing.capacity <= 16)
                    outgoingHead = 0
                } else if state == .exchangingHellos {
                    break
                }
            }
        }
        let buffer = core.readBuffer
        while state == .exchangingHellos || state == .ready {
            let rc = libssh2_channel_read_ex(
                channel, 0, buffer.baseAddress!.assumingMemoryBound(to: CChar.self),
                buffer.count)
            if rc == Int(LIBSSH2_ERROR_EAGAIN) { break }
            if rc < 0 {
                fail(.sessionClosed, "the connection to the device broke: \(lastError())", transportUsable: false)
                return
            }
            if rc == 0 {
                if libssh2_channel_eof(channel) != 0 {
                    if closeRequested {
                        logger.debug("netconf session closed by close-session")
                        endSession(error(.sessionClosed, "the session was closed by the client"), transportUsable: true)
                    } else {
                        fail(.sessionClosed, "the device closed the NETCONF session", transportUsable: true)
                    }
                    return
                }
                break
            }
            received(UnsafeRawBufferPointer(rebasing: buffer[0..<rc]))
        }
        _ = session
        maybeReady()
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        framing.receive(bytes)
        while state == .exchangingHellos || state == .ready {
            let message: [UInt8]
            do {
                guard let next = try framing.next() else { return }
                message = next
            } catch let framingError {
                fail(.protocolViolation, "bad NETCONF framing from the device: \(framingError)", transportUsable: true)
                return
            }
            if serverHello == nil {
                receivedHello(message)
            } else {
                receivedMessage(message)
            }
        }
    }

    private func receivedHello(_ message: [UInt8]) {
        let hello: Hello
        do {
            hello = try Hello.parse(message)
        } catch let parseError {
            fail(
                .helloInvalid, "the device's first message is not a valid <hello>: \(parseError)", transportUsable: true
            )
            return
        }
        guard hello.has(Capability.base10) || hello.has(Capability.base11) else {
            fail(.helloInvalid, "the device's <hello> offers neither base:1.0 nor base:1.1", transportUsable: true)
            return
        }
        serverHello = hello
        framing.negotiate(local: request.clientHello, remote: hello)
        if let sessionID = hello.sessionID {
            logger[metadataKey: "netconf.session-id"] = "\(sessionID)"
        }
    }

    private func maybeReady() {
        guard state == .exchangingHellos, helloWritten, let serverHello, let hostKey else { return }
        state = .ready
        logger.info("netconf session ready", metadata: ["netconf.framing": "\(framing.mode)"])
        openContinuation?.resume(
            returning: SessionReady(
                serverHello: serverHello, framing: framing.mode,
                hostKey: hostKey))
        openContinuation = nil
        if let keepalive = request.timeouts.keepalive {
            let next = monotonicNanoseconds() + keepalive.nanoseconds
            nextKeepalive = next
            core.schedule(self, at: next)
        }
    }

    private func receivedMessage(_ message: [UInt8]) {
        let incoming: IncomingMessage
        do {
            incoming = try RPCReply.parse(message)
        } catch let parseError {
            fail(.protocolViolation, "unreadable message from the device: \(parseError)", transportUsable: true)
            return
        }
        switch incoming {
        case let .reply(reply):
            var key = reply.messageID
            if key == nil, pending.count == 1 { key = pending.keys.first }  // some devices omit it on errors
            if let key, let entry = pending.removeValue(forKey: key) {
                entry.continuation.resume(returning: reply)
            } else {
                logger.debug(
                    "netconf reply with unknown message-id dropped",
                    metadata: ["netconf.message-id": "\(reply.messageID ?? "none")"])
            }
        case let .notification(notification):
            notifications?.yield(notification)
        }
    }

    private func sendKeepalive(now: UInt64) {
        guard let session else { return }
        // Only when idle: a keepalive left half-sent by EAGAIN would be completed by the next
        // channel write in its place (libssh2 resumes "the existing packet"), losing our data.
        var seconds: Int32 = 0
        if outgoingHead == outgoing.count,
            libssh2_session_block_directions(session) & LIBSSH2_SESSION_BLOCK_OUTBOUND == 0
        {
            let rc = libssh2_keepalive_send(session, &seconds)
            if rc != 0 && rc != LIBSSH2_ERROR_EAGAIN {
                fail(.sessionClosed, "SSH keepalive failed: \(lastError())", transportUsable: false)
                return
            }
        }
        let interval = max(UInt64(max(seconds, 1)) * 1_000_000_000, request.timeouts.keepalive?.nanoseconds ?? 0)
        nextKeepalive = now + interval
        core.schedule(self, at: now + interval)
    }

    // MARK: - Ending

    private var isClosing: Bool {
        switch state {
        case .closingChannel, .freeingChannel, .disconnecting, .freeingSession, .finished: true
        default: false
        }
    }

    func fail(_ code: NETCONFClientError.Code, _ message: String, transportUsable: Bool) {
        guard !isClosing else { return }
        let reason = error(code, message)
        logger.warning(
            "netconf session failed",
            metadata: [
                "netconf.error": "\(reason.code.rawValue)",
                "netconf.reason": "\(message)",
            ])
        endSession(reason, transportUsable: transportUsable)
    }

    /// Fails everything waiting on this session, then closes: gracefully when the SSH transport still
    /// works, else by dropping the socket.
    private func endSession(_ reason: NETCONFClientError, transportUsable: Bool) {
        failure = reason
        openContinuation?.resume(throwing: reason)
        openContinuation = nil
        let waiting = pending
        pending.removeAll()
        let closed =
            reason.code == .sessionClosed
            ? reason
            : error(.sessionClosed, "the session ended: \(reason.code.rawValue): \(reason.message)")
        for (_, entry) in waiting { entry.continuation.resume(throwing: closed) }
        notifications?.finish()
        notifications = nil
        outgoing.removeAll()
        outgoingHead = 0
        guard transportUsable, session != nil, state != .connecting else {
            forceClose()
            return
        }
        closeDeadline = monotonicNanoseconds() + request.timeouts.close.nanoseconds
        core.schedule(self, at: closeDeadline)
        state = channel != nil ? .closingChannel : .disconnecting
        drive()
    }

    private func stepCloseChannel() -> Bool {
        guard let channel else { state = .disconnecting; return true }
        let rc = libssh2_channel_close(channel)
        if again(rc) { return false }
        state = .freeingChannel
        return true
    }

    private func stepFreeChannel() -> Bool {
        guard let channel else { state = .disconnecting; return true }
        let rc = libssh2_channel_free(channel)
        if again(rc) { return false }
        self.channel = nil
        state = .disconnecting
        return true
    }

    private func stepDisconnect() -> Bool {
        guard let session else { state = .freeingSession; return true }
        let rc = libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, "NETCONF session closed", "")
        if again(rc) { return false }
        state = .freeingSession
        return true
    }

    private func stepFreeSession() -> Bool {
        if let session {
            let rc = libssh2_session_free(session)
            if again(rc) { return false }
            self.session = nil
        }
        releaseSocket()
        return false
    }

    /// Drops the connection without further SSH messages (peer gone, timeout, shutdown).
    func forceClose() {
        if state == .finished { return }
        if failure == nil { failure = error(.sessionClosed, "the session was closed") }
        openContinuation?.resume(throwing: failure!)
        openContinuation = nil
        for (_, entry) in pending { entry.continuation.resume(throwing: failure!) }
        pending.removeAll()
        notifications?.finish()
        notifications = nil
        if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
        if let session {
            // With the socket shut down, libssh2 sees a dead peer and stops asking to wait.
            var attempts = 0
            while libssh2_session_free(session) == LIBSSH2_ERROR_EAGAIN, attempts < 8 { attempts += 1 }
            if attempts == 8 { logger.error("libssh2_session_free kept returning EAGAIN; session memory leaked") }
            self.session = nil
            channel = nil
        }
        releaseSocket()
    }

    private func releaseSocket() {
        if fd >= 0 {
            core.updateInterest(fd: fd, id: id, from: registeredEvents, to: nil)
            registeredEvents = nil
            Glibc.close(fd)
            fd = -1
        }
        state = .finished
        logger.debug("netconf session closed")
        for waiter in closeWaiters { waiter.resume() }
        closeWaiters.removeAll()
    }

    /// Tells the loop which socket events the session waits for now.
    func syncInterest() {
        guard fd >= 0, state != .finished else { return }
        var wanted: UInt32
        switch state {
        case .connecting:
            wanted = EPOLLOUT.rawValue
        case .verifyingHostKey:
            wanted = 0
        case .exchangingHellos, .ready:
            wanted = EPOLLIN.rawValue
            if let session, libssh2_session_block_directions(session) & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 {
                wanted |= EPOLLOUT.rawValue
            }
        default:
            wanted = 0
            if let session, waitingOnLibssh2 {
                let directions = libssh2_session_block_directions(session)
                if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { wanted |= EPOLLIN.rawValue }
                if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { wanted |= EPOLLOUT.rawValue }
            }
            if wanted == 0 { wanted = EPOLLIN.rawValue }
        }
        core.updateInterest(fd: fd, id: id, from: registeredEvents, to: wanted)
        registeredEvents = wanted
    }

    // MARK: - Helpers

    private func error(_ code: NETCONFClientError.Code, _ message: String) -> NETCONFClientError {
        NETCONFClientError(code, host: request.host, port: request.port, message: message)
    }

    private func lastError() -> String {
        guard let session else { return "no session" }
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let code = libssh2_session_last_error(session, &message, &length, 0)
        let text = message.map { String(cString: $0) } ?? ""
        return text.isEmpty ? "libssh2 error \(code)" : "\(text) (libssh2 \(code))"
    }

    private static func keyType(_ type: Int32) -> SSHHostKey.KeyType {
        switch type {
        case LIBSSH2_HOSTKEY_TYPE_RSA: .rsa
        case LIBSSH2_HOSTKEY_TYPE_DSS: .dss
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: .ecdsaP256
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: .ecdsaP384
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: .ecdsaP521
        case LIBSSH2_HOSTKEY_TYPE_ED25519: .ed25519
        default: .unknown
        }
    }

    private static func describe(_ state: State) -> String {
        switch state {
        case .connecting: "connecting TCP"
        case .handshaking: "in the SSH key exchange"
        case .verifyingHostKey: "verifying the host key"
        case .listingAuthMethods, .authenticating: "authenticating"
        case .openingChannel, .ignoringStderr: "opening the SSH channel"
        case .startingSubsystem: "starting the netconf subsystem"
        default: "\(state)"
        }
    }
}

/// libssh2's sign callback for `Ed25519Signer`: `abstract` points at the signer; the raw signature
/// goes into `malloc`ed memory that libssh2 frees.
private let signWithEd25519Signer:
    @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, UnsafeMutablePointer<Int>?,
        UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> Int32 = { _, signature, signatureLength, data, dataLength, abstract in
        guard let signature, let signatureLength, let data, let context = abstract?.pointee else { return -1 }
        let signer = Unmanaged<Ed25519Signer>.fromOpaque(context).takeUnretainedValue()
        guard let raw = signer.sign(Array(UnsafeBufferPointer(start: data, count: dataLength))),
            let memory = malloc(raw.count)?.assumingMemoryBound(to: UInt8.self)
        else { return -1 }
        memory.initialize(from: raw, count: raw.count)
        signature.pointee = memory
        signatureLength.pointee = raw.count
        return 0
    }
