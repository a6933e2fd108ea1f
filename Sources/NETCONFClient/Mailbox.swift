#if canImport(Glibc)
import Glibc
#endif

/// The only door into the event-loop thread: a locked command queue plus an eventfd that wakes the
/// loop's `epoll_wait`. Posting never blocks on the loop.
final class Mailbox: @unchecked Sendable {
    private let queue = Locked<(commands: [LoopCommand], open: Bool, signalled: Bool)>(([], true, false))
    let eventFD: Int32

    init(eventFD: Int32) {
        self.eventFD = eventFD
    }

    /// Queues `command`; returns false when the loop has shut down (the caller must fail it itself).
    func post(_ command: LoopCommand) -> Bool {
        let (accepted, wake) = queue.withLock { state -> (Bool, Bool) in
            guard state.open else { return (false, false) }
            state.commands.append(command)
            let wake = !state.signalled
            state.signalled = true
            return (true, wake)
        }
        if wake {
            var one: UInt64 = 1
            _ = write(eventFD, &one, 8)
        }
        return accepted
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
}
