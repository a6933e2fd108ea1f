#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// The only door into the event-loop thread: a locked command queue plus an eventfd that wakes the
/// loop's `epoll_wait`. Posting never blocks on the loop.
final class Mailbox: @unchecked Sendable {
    private let queue = Mutex<(commands: [LoopCommand], open: Bool, signalled: Bool)>(([], true, false))
    let eventFD: Int32

    init(eventFD: Int32) {
        self.eventFD = eventFD
    }

    /// Queues `command`; returns false when the loop has shut down (the caller must fail it itself).
    func post(_ command: LoopCommand) -> Bool {
        queue.withLock { state -> Bool in
            guard state.open else { return false }
            state.commands.append(command)
            if !state.signalled {
                state.signalled = true
                // Written under the lock so it can never hit the fd after `close` released it.
                var one: UInt64 = 1
                _ = write(eventFD, &one, 8)
            }
            return true
        }
    }

    /// Takes every queued command (loop thread only).
    func drain() -> [LoopCommand] {
        var counter: UInt64 = 0
        _ = read(eventFD, &counter, 8)
        return queue.withLock { state in
            state.signalled = false
            defer { state.commands.removeAll(keepingCapacity: true) }
            return state.commands
        }
    }

    /// Refuses further commands and returns those still queued.
    func closeAndDrain() -> [LoopCommand] {
        queue.withLock { state in
            state.open = false
            defer { state.commands.removeAll() }
            return state.commands
        }
    }

    /// Closes the eventfd once no post can reach it any more (loop thread, at exit).
    func closeEventFD() {
        queue.withLock { state in
            state.open = false
            close(eventFD)
        }
    }
}
