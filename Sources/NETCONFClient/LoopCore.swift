#if canImport(Glibc)
    import Glibc
#endif
import CLibSSH2
import Logging
import NETCONF

/// The part of the event loop that lives on its thread: the epoll set, the sessions, the timer list
/// and one shared 16 KiB read buffer. Nothing here is touched from any other thread.
final class LoopCore {
    /// epoll user data of the mailbox's eventfd; sessions use their id (never 0).
    private static let mailboxToken: UInt64 = 0
    static let readBufferSize = 16 * 1024

    private let epollFD: Int32
    let mailbox: Mailbox
    private let logger: Logger
    private var engines: [UInt64: SessionEngine] = [:]
    private var timers = TimerHeap()
    private var shuttingDown = false
    /// Sessions to re-examine after this turn (epoll interest, finished?).
    private var touched: [SessionEngine] = []
    /// Shared by every session: reads happen one at a time on this thread.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: LoopCore.readBufferSize, alignment: 16)

    init(epollFD: Int32, mailbox: Mailbox, logger: Logger) {
        self.epollFD = epollFD
        self.mailbox = mailbox
        self.logger = logger
    }

    deinit {
        readBuffer.deallocate()
    }

    func run() {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = Self.mailboxToken
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, mailbox.eventFD, &event) == 0 else {
            logger.critical(
                "netconf client loop cannot watch its eventfd; loop stopped",
                metadata: ["netconf.errno": "\(errno)"])
            failQueued(mailbox.closeAndDrain())
            return
        }
        let capacity = 512
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        while !(shuttingDown && engines.isEmpty) {
            let count = epoll_wait(epollFD, events, Int32(capacity), waitMillis())
            if count < 0 {
                if errno == EINTR { continue }
                logger.critical(
                    "epoll_wait failed; netconf client loop stopped", metadata: ["netconf.errno": "\(errno)"])
                break
            }
            for index in 0..<Int(count) {
                let token = events[index].data.u64
                if token == Self.mailboxToken {
                    handle(mailbox.drain())
                } else if let engine = engines[token] {
                    engine.ioReady(events: events[index].events)
                    touch(engine)
                }
            }
            fireTimers()
            settle()
        }
        for engine in engines.values { engine.forceClose() }
        engines.removeAll()
        failQueued(mailbox.closeAndDrain())
        mailbox.closeEventFD()
        close(epollFD)
    }

    // MARK: - Called by engines

    func schedule(_ engine: SessionEngine, at deadline: UInt64) {
        timers.insert(deadline: deadline, session: engine.id)
    }

    /// Adds, changes or removes the socket's epoll registration.
    func updateInterest(fd: Int32, id: UInt64, from old: UInt32?, to new: UInt32?) {
        guard old != new else { return }
        var event = epoll_event()
        event.data.u64 = id
        switch (old, new) {
        case (nil, let new?):
            event.events = new
            epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
        case (_?, let new?):
            event.events = new
            epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
        case (_?, nil):
            epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, &event)
        case (nil, nil):
            break
        }
    }

    // MARK: - Private

    private func touch(_ engine: SessionEngine) {
        if !engine.touched {
            engine.touched = true
            touched.append(engine)
        }
    }

    /// After a turn: sessions that finished leave; the others get their epoll interest updated.
    private func settle() {
        for engine in touched {
            engine.touched = false
            engine.syncInterest()
            if engine.isFinished {
                engines.removeValue(forKey: engine.id)
            }
        }
        touched.removeAll(keepingCapacity: true)
    }

    private func waitMillis() -> Int32 {
        guard let earliest = timers.earliest else { return -1 }
        let now = monotonicNanoseconds()
        if earliest <= now { return 0 }
        let millis = (earliest - now + 999_999) / 1_000_000
        return Int32(min(millis, 60_000))
    }

    private func fireTimers() {
        let now = monotonicNanoseconds()
        while let entry = timers.popDue(now: now) {
            if let engine = engines[entry.session] {
                engine.timerFired(now: now)
                touch(engine)
            }
        }
    }

    private func handle(_ commands: [LoopCommand]) {
        for command in commands {
            switch command {
            case let .open(id, request, continuation):
                if shuttingDown {
                    continuation.resume(
                        throwing: NETCONFClientError(
                            .loopShutDown, host: request.host, port: request.port,
                            message: "the event loop is shut down"))
                    continue
                }
                let engine = SessionEngine(id: id, request: request, core: self, continuation: continuation)
                engines[id] = engine
                engine.start()
                touch(engine)
            case let .hostKeyDecision(id, decision):
                if let engine = engines[id] {
                    engine.hostKeyDecided(decision)
                    touch(engine)
                }
            case let .send(id, messageID, bytes, timeout, closesSession, continuation):
                if let engine = engines[id] {
                    engine.send(
                        messageID: messageID, bytes: bytes, timeout: timeout, closesSession: closesSession,
                        continuation: continuation)
                    touch(engine)
                } else {
                    continuation.resume(throwing: goneError(id))
                }
            case let .cancel(id, messageID):
                if let engine = engines[id] {
                    engine.cancel(messageID: messageID)
                    touch(engine)
                }
            case let .subscribe(id, stream):
                if let engine = engines[id] {
                    engine.subscribe(stream)
                } else {
                    stream.finish()
                }
            case let .close(id, continuation):
                if let engine = engines[id] {
                    engine.close(continuation)
                    touch(engine)
                } else {
                    continuation?.resume()
                }
            case .shutdown:
                shuttingDown = true
                failQueued(mailbox.closeAndDrain())
                for engine in engines.values {
                    engine.fail(.loopShutDown, "the NETCONF client loop was shut down", transportUsable: false)
                    touch(engine)
                }
            }
        }
    }

    private func goneError(_ id: UInt64) -> NETCONFClientError {
        NETCONFClientError(.sessionClosed, host: "?", port: 0, message: "session \(id) is already closed")
    }

    /// Fails commands that arrived after shutdown.
    private func failQueued(_ commands: [LoopCommand]) {
        for command in commands {
            let error = NETCONFClientError(.loopShutDown, host: "?", port: 0, message: "the event loop is shut down")
            switch command {
            case let .open(_, _, continuation): continuation.resume(throwing: error)
            case let .send(_, _, _, _, _, continuation): continuation.resume(throwing: error)
            case let .subscribe(_, stream): stream.finish()
            case let .close(_, continuation): continuation?.resume()
            case .hostKeyDecision, .cancel, .shutdown: break
            }
        }
    }
}
