import Foundation
import Synchronization

/// The simulator's clock: real time plus an offset, which tests and demos can pause and advance.
public final class VirtualClock: Sendable {
    private struct State {
        var offset: TimeInterval = 0
        var pausedAt: Date?
    }

    private let state = Mutex(State())

    public init() {}

    /// The simulated now.
    public func now() -> Date {
        self.state.withLock { state in
            state.pausedAt ?? Date().addingTimeInterval(state.offset)
        }
    }

    /// Whether time stands still.
    public var isPaused: Bool { self.state.withLock { $0.pausedAt != nil } }

    /// Stops time where it is.
    public func pause() {
        self.state.withLock { state in
            if state.pausedAt == nil { state.pausedAt = Date().addingTimeInterval(state.offset) }
        }
    }

    /// Lets time run again from where it stood.
    public func resume() {
        self.state.withLock { state in
            if let pausedAt = state.pausedAt {
                state.offset = pausedAt.timeIntervalSinceNow
                state.pausedAt = nil
            }
        }
    }

    /// Jumps forward (paused or not).
    public func advance(by seconds: TimeInterval) {
        self.state.withLock { state in
            if let pausedAt = state.pausedAt {
                state.pausedAt = pausedAt.addingTimeInterval(seconds)
            } else {
                state.offset += seconds
            }
        }
    }
}
