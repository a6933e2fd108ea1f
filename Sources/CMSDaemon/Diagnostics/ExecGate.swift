import CMSAPI

/// The diagnostics cap: at most `limit` diagnostic RPCs at once, the others wait in order (at most `maxWaiting` of
/// them when `bounded`). It is not the work queue: reconcile runs never wait for it, and it never waits for them.
public actor ExecGate {
    public nonisolated let limit: Int
    public nonisolated let maxWaiting: Int
    private var running = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID: UInt64 = 0
    public private(set) var peak = 0

    public init(limit: Int, maxWaiting: Int) {
        self.limit = max(1, limit)
        self.maxWaiting = max(0, maxWaiting)
    }

    /// Diagnostic RPCs running now and waiting.
    public var counts: (running: Int, waiting: Int) { (running, waiters.count) }

    /// Takes a slot, waiting for one in order. `bounded`: refuse (429) when `maxWaiting` already wait (API exec);
    /// syslog collection waits however many there are. Throws `CancellationError` when the caller goes away.
    public func enter(bounded: Bool) async throws {
        if running < limit {
            running += 1
            peak = max(peak, running)
            return
        }
        if bounded, waiters.count >= maxWaiting {
            throw APIError(
                status: 429, code: "too-many-diagnostics",
                message: "\(running) diagnostic commands run and \(waiters.count) wait (diagnostics.maxConcurrent "
                    + "\(limit), maxWaiting \(maxWaiting) in cmsd.yaml); try again shortly")
        }
        let id = nextID
        nextID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append((id, continuation))
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    /// Gives the slot to the next waiter, or frees it.
    public func leave() {
        if waiters.isEmpty {
            running = max(0, running - 1)
        } else {
            waiters.removeFirst().continuation.resume()
        }
    }

    private func cancel(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
