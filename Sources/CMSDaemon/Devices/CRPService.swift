import CRP
import CRPTransport
import Logging
import NIOCore
import ServiceLifecycle

/// Binds a ``CRPListener`` and feeds every announcement it accepts to a ``DeviceDirectory``.
/// A `Service`: `run()` binds, routes until cancelled or a graceful shutdown, then closes.
/// Tests call ``start()`` / ``stop()`` directly and bind 127.0.0.1 port 0.
public actor CRPService: Service {
    public nonisolated let host: String
    public nonisolated let port: Int
    private let configuration: CRPListenerConfiguration
    private let directory: DeviceDirectory
    private let logger: Logger
    private var listener: CRPListener?
    private var routing: Task<Void, Never>?
    private var flushing: Task<Void, Never>?
    /// How often the directory's aggregated CRP reports are written when no announcement comes.
    private let flushInterval: Duration

    /// - Parameters:
    ///   - host: the address to bind (an IPv4/IPv6 literal; `0.0.0.0` listens everywhere).
    ///   - port: UDP port, 10625 by default; 0 picks a free one (read ``localAddress``).
    public init(
        host: String, port: Int = Int(CRPWire.defaultPort),
        configuration: CRPListenerConfiguration = CRPListenerConfiguration(), directory: DeviceDirectory,
        logger: Logger = Logger(label: "cms.crp.service"), flushInterval: Duration = .seconds(10)
    ) {
        self.flushInterval = flushInterval
        self.host = host
        self.port = port
        self.configuration = configuration
        self.directory = directory
        self.logger = logger
    }

    /// The bound address, once started.
    public var localAddress: SocketAddress? { listener?.localAddress }

    /// The listener's accepted / dropped counters, once started.
    public var listenerCounters: CRPCounters? { listener?.counters }

    /// Binds (once) and starts routing; returns the bound address.
    @discardableResult
    public func start() async throws -> SocketAddress {
        if let listener { return listener.localAddress }
        let listener = try await CRPListener.bind(host: host, port: port, configuration: configuration)
        self.listener = listener
        let directory = self.directory
        routing = Task {
            for await received in listener.announcements {
                let source = received.source.ipAddress ?? "\(received.source)"
                await directory.route(received.announcement, from: source, authenticated: received.decoded.authenticated)
            }
        }
        let interval = flushInterval
        flushing = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                await directory.flushReports()
            }
        }
        logger.info("CRP listener bound", metadata: ["crp.address": "\(listener.localAddress)"])
        return listener.localAddress
    }

    /// Closes the socket; routing ends once the announcements already received are routed.
    public func stop() async {
        guard let listener else { return }
        self.listener = nil
        do {
            try await listener.close()
        } catch {
            logger.debug("CRP listener close", metadata: ["error": "\(error)"])
        }
        flushing?.cancel()
        flushing = nil
        await routing?.value
        routing = nil
        await directory.flushReports()
    }

    public func run() async throws {
        try await start()
        guard let routing else { return }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await routing.value
            } onGracefulShutdown: {
                Task { await self.stop() }
            }
        } onCancel: {
            Task { await self.stop() }
        }
    }
}
