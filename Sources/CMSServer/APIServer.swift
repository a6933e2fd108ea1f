import CMSAPI
import Hummingbird
import Logging

/// The HTTP API of `cmsd` (docs/api.md): builds a Hummingbird application — a swift-service-lifecycle
/// `Service` — serving the routes over a ``ControlPlane``.
public enum APIServer {
    /// The application; run it in a `ServiceGroup` (or `runService()`).
    public static func make(
        controlPlane: any ControlPlane, configuration: APIServerConfiguration, logger: Logger
    ) -> some ApplicationProtocol {
        make(controlPlane: controlPlane, configuration: configuration, logger: logger, onServerRunning: { _ in })
    }

    /// The application; `onServerRunning` gets the bound port once it listens (useful with port 0).
    public static func make(
        controlPlane: any ControlPlane, configuration: APIServerConfiguration, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: APIMiddleware(logger: logger))
        APIHandlers(controlPlane: controlPlane, authenticator: TokenAuthenticator(tokens: configuration.tokens))
            .register(on: router)
        return Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "cmsd"),
            onServerRunning: { channel in
                await onServerRunning(channel.localAddress?.port ?? configuration.port)
            },
            logger: logger)
    }
}
