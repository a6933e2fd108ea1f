#if canImport(Glibc)
    import Glibc
#endif
import CLibSSH2
import Foundation
import Logging
import Synchronization

/// The event loop that drives every NETCONF session: one thread, one epoll set, any number of
/// non-blocking libssh2 sessions (each a state machine). Callers talk to it through a mailbox; it
/// resumes their continuations and never waits on Swift concurrency itself.
///
/// Most programs use `NETCONFClientLoop.shared`. A separate loop isolates a workload (tests,
/// benchmarks) and can be shut down, which fails its sessions with `loopShutDown`.
public final class NETCONFClientLoop: Sendable {
    /// The process-wide loop, started on first use, never shut down.
    public static let shared = NETCONFClientLoop(name: "netconf-client")

    let mailbox: Mailbox?
    let startError: String?
    private let nextID = Mutex<UInt64>(0)

    /// Starts the loop thread. `logger` receives loop-level events (session-level ones go to each
    /// session's own logger).
    public init(name: String = "netconf-client", logger: Logger = Logger(label: "netconf.client.loop")) {
        _ = Self.libssh2Initialized
        let epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        let evfd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard epfd >= 0, evfd >= 0 else {
            let reason = String(cString: strerror(errno))
            if epfd >= 0 { close(epfd) }
            if evfd >= 0 { close(evfd) }
            mailbox = nil
            startError = "cannot create the event loop (epoll/eventfd): \(reason)"
            return
        }
        let mailbox = Mailbox(eventFD: evfd)
        self.mailbox = mailbox
        startError = nil
        let thread = Thread {
            let core = LoopCore(epollFD: epfd, mailbox: mailbox, logger: logger)
            core.run()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Fails every session on this loop with `loopShutDown`, closes their sockets and stops the
    /// thread. Later calls on its sessions fail at once.
    public func shutdown() {
        _ = mailbox?.post(.shutdown)
    }

    func allocateID() -> UInt64 {
        nextID.withLock { value in
            value += 1
            return value
        }
    }

    /// Posts `command`, or returns false when the loop cannot take it.
    func post(_ command: LoopCommand) -> Bool {
        mailbox?.post(command) ?? false
    }

    /// libssh2_init is not thread-safe; a static let runs it exactly once.
    private static let libssh2Initialized: Int32 = libssh2_init(0)
}
