import CMSDaemon
import CMSModel
import Foundation
import Logging
import Testing

/// The CRP service as a ServiceLifecycle service: binds, routes, and closes when its task ends.
@Suite(.tags(.peer)) struct CRPServiceTests {
    @Test func runningTheServiceRoutesAnnouncementsUntilItIsCancelled() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        await harness.directory.setDevices(tenant: "century", agents: [:], serials: [:], suspended: [])
        var logger = Logger(label: "test.crp")
        logger.logLevel = .critical
        let service = CRPService(host: "127.0.0.1", port: 0, directory: harness.directory, logger: logger)
        let running = Task { try await service.run() }
        #expect(await eventually { await service.localAddress != nil })
        let port = try #require(await service.localAddress?.port)

        _ = try await harness.device(code: "ghost7", crpServer: "127.0.0.1:\(port)")
        #expect(
            try await eventually { try await harness.events(.crpUnregisteredDevice).contains { $0.device == "ghost7" } }
        )
        #expect(await service.listenerCounters?.accepted == 1)

        running.cancel()
        try await running.value
        #expect(await service.localAddress == nil)
    }
}
