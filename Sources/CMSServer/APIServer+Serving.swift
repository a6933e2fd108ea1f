import Hummingbird
import Logging
import ServiceLifecycle

extension APIServer {
    /// Runs `app` while `body` runs, then stops it with a **graceful** shutdown, as `cmsd`'s `ServiceGroup` does.
    ///
    /// Never by cancelling the task that runs it: NIO traps ("Deinited NIOAsyncWriter without calling finish()")
    /// when the serving task is cancelled while accepted connections are still buffered, not yet handed to a
    /// handler (swift-nio#2813; it took the test process down in CI, in the connection-cap tests). Only if the
    /// graceful shutdown has not ended after `shutdownLimit` is the task cancelled.
    public static func serving<App: ApplicationProtocol, T: Sendable>(
        _ app: App, logger: Logger, shutdownLimit: Duration = .seconds(30), _ body: () async throws -> T
    ) async throws -> T {
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: app)], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let outcome: Result<T, any Error>
            do {
                outcome = .success(try await body())
            } catch {
                outcome = .failure(error)
            }
            await group.triggerGracefulShutdown()
            tasks.addTask { try await Task.sleep(for: shutdownLimit) }
            // The first to end: the server (shut down) or the limit; the other is cancelled.
            _ = try? await tasks.next()
            tasks.cancelAll()
            return try outcome.get()
        }
    }
}
