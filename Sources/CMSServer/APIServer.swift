import CMSAPI
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The HTTP API of `cmsd` (docs/api.md): builds a Hummingbird application — a swift-service-lifecycle
/// `Service` — serving the routes over a ``ControlPlane``.
public enum APIServer {
    /// The application; run it in a `ServiceGroup` (or `runService()`).
    public static func make(
        controlPlane: any ControlPlane, configuration: APIServerConfiguration, logger: Logger
    ) -> some ApplicationProtocol {
        make(controlPlane: controlPlane, configuration: configuration, logger: logger, onServerRunning: { _ in })
    }

    /// The application; `onServerRunning` gets the bound port once it listens (useful with port 0). `connections`
    /// counts and caps the open connections (pass one in to read its counters).
    public static func make(
        controlPlane: any ControlPlane, configuration: APIServerConfiguration, logger: Logger,
        connections: APIConnections? = nil, onServerRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let limits = configuration.limits
        let connections = connections ?? APIConnections(maxConnections: limits.maxConnections)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: APIMiddleware(logger: logger))
        let authenticator = TokenAuthenticator(tokens: configuration.tokens)
        APIHandlers(controlPlane: controlPlane, authenticator: authenticator).register(on: router)
        registerDashboard(on: router, controlPlane: controlPlane, authenticator: authenticator, logger: logger)
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in
                GuardedChildChannel(
                    inner: HTTP1Channel(
                        responder: responder, configuration: .init(idleTimeout: TimeAmount(limits.idleTimeout))),
                    connections: connections, limits: limits, logger: logger)
            },
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "cmsd"),
            onServerRunning: { channel in
                await onServerRunning(channel.localAddress?.port ?? configuration.port)
            },
            logger: logger)
    }
}
