import ArgumentParser
import CMSAPI
import CMSDaemon
import CMSServer
import Foundation
import Logging
import ServiceLifecycle

/// `cmsd`: the reconciler daemon and its HTTP API, run until SIGINT/SIGTERM.
@main
struct CMSDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cmsd",
        abstract: "Reconcile NXR fleets with their tenants' git repositories and serve the cms API.",
        discussion: """
            With --config, everything comes from cmsd.yaml; without it, --tenant-repo serves one tenant (its code \
            read from the repository's tenant.yaml) with data under ./data. --data, --api and --crp override \
            either.
            """)

    @Option(name: .long, help: "The server configuration (cmsd.yaml).")
    var config: String?

    @Option(name: .customLong("tenant-repo"), help: "A tenant repository (local path or git URL) to serve alone.")
    var tenantRepo: String?

    @Option(name: .long, help: "The data folder (default ./data, or dataFolder of cmsd.yaml).")
    var data: String?

    @Option(name: .long, help: "API listen address HOST:PORT (default 127.0.0.1:8610).")
    var api: String?

    @Option(name: .long, help: "CRP UDP listen address HOST:PORT (default 0.0.0.0:10625).")
    var crp: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        var configuration: DaemonConfiguration
        do {
            configuration = try loadConfiguration()
        } catch {
            FileHandle.standardError.write(Data("cmsd: \(error)\n".utf8))
            throw ExitCode(2)
        }
        guard let level = Logger.Level(rawValue: logLevel) else {
            FileHandle.standardError.write(Data("cmsd: --log-level \(logLevel) is not a level\n".utf8))
            throw ExitCode(2)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "cmsd")
        // Files cmsd creates (stores, WAL, keys, mirrors) are its user's alone: 0600 files, 0700 folders.
        umask(0o077)
        // Before anything opens a descriptor: the budget (Daemon.fileDescriptors) is planned on the raised limit.
        _ = FileDescriptorBudget.raiseOpenFileLimit()
        let tokens: [ResolvedAPIToken]
        let daemon: Daemon
        do {
            tokens = try APITokenResolver.resolve(configuration)
            daemon = try Daemon(configuration: configuration, logger: logger)
        } catch {
            logger.critical("cmsd cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        var grants: [String: TokenGrant] = [:]
        for token in tokens { grants[token.token] = TokenGrant(name: token.name, tenants: token.tenants, readOnly: token.readOnly) }
        let apiHost = configuration.apiListen.host
        let server = APIServer.make(
            controlPlane: daemon,
            configuration: APIServerConfiguration(
                host: configuration.apiListen.host, port: configuration.apiListen.port, tokens: grants,
                limits: APIConnectionLimits(
                    maxConnections: daemon.fileDescriptors.api, headerTimeout: configuration.timing.apiHeaderTimeout,
                    idleTimeout: configuration.timing.apiIdleTimeout)),
            logger: logger,
            onServerRunning: { [budget = daemon.fileDescriptors] port in
                logger.info(
                    "API listening",
                    metadata: [
                        "api": "\(apiHost):\(port)", "api.maxConnections": "\(budget.api)",
                        "fd.limit": "\(budget.limit)", "fd.devices": "\(budget.devices)",
                    ])
            })
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: daemon, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: server, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    private func loadConfiguration() throws -> DaemonConfiguration {
        var configuration: DaemonConfiguration
        if let config {
            configuration = try DaemonConfiguration.load(file: config)
            if tenantRepo != nil {
                throw ConfigurationError(
                    file: "command line", line: nil, field: "--tenant-repo",
                    message: "give either --config or --tenant-repo, not both")
            }
        } else if let tenantRepo {
            configuration = try DaemonConfiguration.embedded(tenantRepository: tenantRepo)
        } else {
            throw ConfigurationError(
                file: "command line", line: nil, field: "",
                message: "give --config cmsd.yaml or --tenant-repo PATH (e.g. cmsd --tenant-repo examples/tenant-repo)")
        }
        if let data {
            configuration.dataFolder =
                data.hasPrefix("/") ? data : FileManager.default.currentDirectoryPath + "/" + data
        }
        if let api {
            guard let address = HostPort(api) else {
                throw ConfigurationError(file: "command line", line: nil, field: "--api", message: "\(api) is not HOST:PORT")
            }
            configuration.apiListen = address
        }
        if let crp {
            guard let address = HostPort(crp) else {
                throw ConfigurationError(file: "command line", line: nil, field: "--crp", message: "\(crp) is not HOST:PORT")
            }
            configuration.crpListen = address
        }
        return configuration
    }
}
