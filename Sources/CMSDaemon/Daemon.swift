import CMSAPI
import CMSMail
import CRP
import CRPTransport
import CMSModel
import CMSReconcile
import CMSStore
import CMSVersion
import Foundation
import Logging
import MailTransport
import NETCONFClient
import ServiceLifecycle
import Synchronization
import TenantKeys
import TenantSource

/// `cmsd` itself: owns the event store (`<data>/events.sqlite`), the state store (`<data>/state.sqlite`), the NETCONF
/// client loop, the CRP service and one ``TenantController`` per tenant, and answers the API as a ``ControlPlane``.
///
/// A swift-service-lifecycle `Service`: ``run()`` starts everything and returns after a graceful shutdown (or
/// cancellation) once sessions are closed and stores flushed.
public final class Daemon: ControlPlane, Service, Sendable {
    public static let version = CMSVersion.current

    public let configuration: DaemonConfiguration
    public let events: SQLiteEventStore
    public let state: SQLiteStateStore
    public let directory: DeviceDirectory
    public let crp: CRPService
    /// Every tenant's CRP secret for the listener's signature check.
    public let crpSecrets: CRPSecrets
    /// The one work queue every tenant's runs go through (global cap `limits.concurrency`).
    public let work: WorkQueue
    /// How the open-file limit is shared between the API, device sessions and the rest.
    public let fileDescriptors: FileDescriptorBudget
    /// `cms exec` and syslog collection under their own cap (`diagnostics:` in cmsd.yaml; Daemon+Diagnostics.swift).
    public let diagnostics: Diagnostics
    private let loop: NETCONFClientLoop
    /// One controller per tenant; a restore replaces a tenant's controller (docs/backup.md).
    let controllerTable: Mutex<[String: TenantController]>
    var controllers: [String: TenantController] { controllerTable.withLock { $0 } }
    /// Builds a tenant's controller from its files and stores (at start, and again after a restore); the parts
    /// that attach to a controller once it exists (archive, firmware, mail) are in ``attachParts(_:to:)``.
    let makeController: @Sendable (TenantConfiguration) throws -> TenantController
    /// Tenants with a backup or restore running (one at a time per tenant).
    let backupJobs = Mutex<Set<String>>([])
    let logger: Logger
    let environment: DaemonEnvironment
    /// Firmware rollouts per tenant, their journal, and the download server (bound by ``start()``).
    let firmwareEngines: [String: FirmwareEngine]
    let firmwareJournal: SQLiteFirmwareJournal
    let firmwareDownloads = FirmwareDownloadsBox()
    /// Mail alerts per tenant (docs/mail.md), over `<data>/mail.sqlite`.
    let mailers: [String: TenantMailer]
    public let mailStore: SQLiteMailStore
    /// One scheduler per tenant (SPEC §8), its ledger in `<data>/schedules.sqlite`; made for each controller by
    /// ``attachParts(_:to:)`` (again after a restore).
    let schedulerTable = Mutex<[String: TenantScheduler]>([:])
    var schedulers: [String: TenantScheduler] { schedulerTable.withLock { $0 } }
    let scheduleLedger: SQLiteScheduleLedger

    /// Opens the stores and builds every tenant (keys are created on first start). Nothing listens yet.
    public init(configuration: DaemonConfiguration, logger: Logger, environment: DaemonEnvironment = .live) throws {
        self.configuration = configuration
        self.logger = logger
        self.environment = environment
        let data = configuration.dataFolder
        do {
            try FileManager.default.createDirectory(
                atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ConfigurationError(file: data, line: nil, field: "dataFolder", message: "cannot create (\(error))")
        }
        try DataFolderModes.secure(data)
        fileDescriptors = try FileDescriptorBudget.plan(
            openFileLimit: FileDescriptorBudget.currentOpenFileLimit(), tenants: configuration.tenants.count,
            apiConnections: configuration.limits.apiConnections)
        if fileDescriptors.devices < configuration.limits.maxDevices {
            logger.warning(
                "the open-file limit caps the devices below limits.maxDevices; raise it (ulimit -n) to manage more",
                metadata: [
                    "fd.limit": "\(fileDescriptors.limit)", "fd.devices": "\(fileDescriptors.devices)",
                    "limits.maxDevices": "\(configuration.limits.maxDevices)",
                ])
        }
        events = try SQLiteEventStore(path: data + "/events.sqlite")
        state = try SQLiteStateStore(path: data + "/state.sqlite")
        loop = NETCONFClientLoop(name: "cmsd-netconf", logger: logger)
        directory = DeviceDirectory(events: events, logger: logger, now: environment.now, clock: environment.clock)
        let crpSecrets = CRPSecrets(dataFolder: data)
        self.crpSecrets = crpSecrets
        crp = CRPService(
            host: configuration.crpListen.host, port: configuration.crpListen.port,
            configuration: CRPListenerConfiguration(secretFor: { crpSecrets.secret(for: $0) }), directory: directory,
            logger: logger)
        let work = WorkQueue(globalLimit: configuration.limits.concurrency)
        self.work = work
        let budget = DeviceBudget(limit: min(configuration.limits.maxDevices, fileDescriptors.devices))
        let timing = configuration.timing
        var mailers: [String: TenantMailer] = [:]
        let mailStore = try SQLiteMailStore(path: data + "/" + SQLiteMailStore.fileName)
        self.mailStore = mailStore
        let mailSender = environment.mailSender ?? CurlMailSender()
        scheduleLedger = try SQLiteScheduleLedger(path: data + "/" + SQLiteScheduleLedger.fileName)
        for tenant in configuration.tenants {
            var tenantLogger = logger
            tenantLogger[metadataKey: "tenant"] = "\(tenant.code)"
            let tenantCode = tenant.code
            mailers[tenant.code] = TenantMailer(
                tenant: tenant.code, store: mailStore, sender: mailSender, events: events, clock: environment.clock,
                now: environment.now, logger: tenantLogger,
                readSecret: { reference, field in
                    try SecretReader.read(reference, field: field, tenant: tenantCode, dataFolder: data)
                })
        }
        self.mailers = mailers
        let make: @Sendable (TenantConfiguration) throws -> TenantController = {
            [events, state, directory, loop, mailers] tenant in
            let pair = try TenantKeyStore(dataFolder: data).keyPair(for: tenant.code, type: tenant.keyType)
            let privateKey = try String(contentsOfFile: pair.privateKeyPath, encoding: .utf8)
            var tenantLogger = logger
            tenantLogger[metadataKey: "tenant"] = "\(tenant.code)"
            var context = DeviceContext(
                tenant: tenant.code, username: tenant.username, authentication: .publicKey(privateKey: privateKey),
                loop: loop,
                timeouts: NETCONFTimeouts(connect: timing.connectTimeout, hello: timing.connectTimeout, rpc: timing.rpcTimeout),
                events: events, logger: tenantLogger,
                policy: LifecyclePolicy(
                    backoff: Backoff(base: timing.retryBase, cap: timing.retryCap),
                    identificationTimeout: timing.connectTimeout * 2),
                now: environment.now, jitter: environment.jitter, connect: environment.connect, clock: environment.clock)
            if let mailer = mailers[tenant.code] { context.onEvents = { mailer.observe($0) } }
            let source = TenantRepositorySource(
                tenant: tenant.code, repository: tenant.repository, dataFolder: data,
                inputLimits: configuration.limits.input, logger: tenantLogger,
                access: Self.gitAccess(tenant, dataFolder: data))
            let ipsecSecret: [UInt8]
            if let reference = tenant.ipsecSecret {
                ipsecSecret = Array(try SecretReader.read(reference, field: "tenants.\(tenant.code).ipsecSecret").utf8)
            } else {
                ipsecSecret = try TenantSecretStore(dataFolder: data).ipsecSecret(for: tenant.code)
            }
            return TenantController(
                configuration: tenant, source: source, events: events, state: state, directory: directory,
                context: context, work: work, timing: timing,
                logger: tenantLogger, now: environment.now, ipsecSecret: ipsecSecret, crpSecrets: crpSecrets, deviceBudget: budget)
        }
        makeController = make
        // A restore cut off by a crash is rolled forward (or dropped) before any tenant runs.
        try Self.recoverRestores(configuration: configuration, state: state, events: events, logger: logger)
        var controllers: [String: TenantController] = [:]
        for tenant in configuration.tenants {
            controllers[tenant.code] = try make(tenant)
        }
        controllerTable = Mutex(controllers)
        firmwareJournal = try SQLiteFirmwareJournal(dataFolder: data)
        firmwareEngines = try Self.firmwareEngines(
            configuration: configuration, journal: firmwareJournal, events: events, environment: environment,
            logger: logger)
        diagnostics = Diagnostics(settings: configuration.diagnostics)
    }

    /// What attaches to a tenant's controller once it is built — at start, and again after a restore rebuilds it
    /// (docs/backup.md): its config archive, its firmware engine, its mail alerts following each adopted revision.
    func attachParts(_ code: String, to controller: TenantController) async throws {
        try await controller.attachArchive(dataFolder: configuration.dataFolder)
        if let engine = firmwareEngines[code] { await controller.setFirmware(engine) }
        if let mailer = mailers[code] {
            await controller.observeAdoptions { revision in
                if let snapshot = revision.snapshot { await mailer.configure(snapshot) }
            }
        }
        // Schedulers first: they follow every revision their controller puts in force.
        var tenantLogger = logger
        tenantLogger[metadataKey: "tenant"] = "\(code)"
        let scheduler = TenantScheduler(
            controller: controller, ledger: scheduleLedger, events: events,
            clock: environment.scheduleTime?.clock ?? environment.clock,
            now: environment.scheduleTime?.now ?? environment.now,
            runners: .standard(
                syslog: { [weak self] controller in self?.syslogCollector(for: controller.code) },
                backup: { [weak self] code, firing in
                    await self?.scheduledBackup(code, firing: firing) ?? .refused("cmsd is stopping")
                }),
            logger: tenantLogger)
        let previous = schedulerTable.withLock { table in
            defer { table[code] = scheduler }
            return table[code]
        }
        await previous?.shutdown()
        await scheduler.start()
    }

    /// One tenant's controller (tests).
    public func controller(_ tenant: String) -> TenantController? { controllers[tenant] }

    /// Binds CRP and starts every tenant (restores state, fetches, resumes interrupted applies).
    public func start() async throws {
        let bound = try await crp.start()
        logger.info("cmsd started", metadata: ["crp": "\(bound)", "tenants": "\(controllers.keys.sorted())"])
        let now = environment.now()
        _ = try? await events.append(
            controllers.keys.sorted().map {
                Event(time: now, tenant: $0, type: .systemStarted, details: ["version": Self.version])
            })
        try await startFirmware()
        for mailer in mailers.values { await mailer.start() }
        for (code, controller) in controllers { try await attachParts(code, to: controller) }
        await withTaskGroup(of: Void.self) { group in
            for controller in controllers.values { group.addTask { await controller.start() } }
        }
    }

    /// Stops tenants (waits for running applies), closes sessions and the CRP socket, records the stop.
    public func shutdown() async {
        for scheduler in schedulers.values { await scheduler.shutdown() }
        await withTaskGroup(of: Void.self) { group in
            for controller in controllers.values { group.addTask { await controller.shutdown() } }
        }
        await crp.stop()
        await firmwareDownloads.close()
        for mailer in mailers.values { await mailer.shutdown() }
        let now = environment.now()
        _ = try? await events.append(
            controllers.keys.sorted().map { Event(time: now, tenant: $0, type: .systemStopped) })
        loop.shutdown()
        logger.info("cmsd stopped")
    }

    public func run() async throws {
        try await start()
        try? await gracefulShutdown()
        await shutdown()
    }

    // MARK: - ControlPlane

    private func tenant(_ code: String) throws(APIError) -> TenantController {
        guard let controller = controllers[code] else { throw APIError.notFound("tenant", code) }
        return controller
    }

    public func tenantCodes() async -> [String] { controllers.keys.sorted() }

    public func tenantStatus(_ tenant: String) async throws(APIError) -> TenantStatus {
        try await self.tenant(tenant).status()
    }

    public func devices(_ tenant: String, query: DeviceListQuery) async throws(APIError) -> DevicePage {
        try await self.tenant(tenant).devices(query)
    }

    public func device(_ tenant: String, code: String) async throws(APIError) -> DeviceDetail {
        try await self.tenant(tenant).device(code)
    }

    public func events(_ query: EventQuery) async throws(APIError) -> [Event] {
        _ = try self.tenant(query.tenant)
        do {
            return try await events.search(query.validated())
        } catch let error as EventQueryError {
            throw APIError.badRequest("\(error)")
        } catch {
            throw APIError(status: 500, code: "store-failed", message: "the event log could not be read: \(error)")
        }
    }

    public func plan(_ tenant: String, revision: String?, native: Bool) async throws(APIError) -> TenantPlan {
        try await self.tenant(tenant).plan(revision: revision, native: native)
    }

    public func reconcile(_ tenant: String, device: String?, user: String?) async throws(APIError) -> ReconcileAccepted {
        let controller = try self.tenant(tenant)
        let accepted = await controller.enqueue(device, user: user)
        if let device, accepted.isEmpty {
            throw APIError(
                status: 404, code: "device-not-found",
                message: "no reconcilable device '\(device)' (unknown, suspended, or no revision in force)")
        }
        return ReconcileAccepted(devices: accepted)
    }

    public func refresh(_ tenant: String) async throws(APIError) -> RefreshResult {
        let outcome = try await self.tenant(tenant).refresh()
        guard let revision = outcome.revision else {
            throw APIError(
                status: 502, code: "fetch-failed", message: "fetching the repository failed: \(outcome.error ?? "unknown")")
        }
        return RefreshResult(revision: revision, isNew: outcome.isNew)
    }

    public func ipsecStatus(_ tenant: String, group: String, refresh: Bool) async throws(APIError) -> IPsecGroupStatus {
        try await self.tenant(tenant).ipsecStatus(group: group, refresh: refresh)
    }

    public func metrics() async -> MetricsSnapshot {
        var snapshot = MetricsSnapshot(durationBuckets: TenantMetrics.bounds)
        snapshot.durationCounts = Array(repeating: 0, count: TenantMetrics.bounds.count)
        for (code, controller) in controllers {
            let summaries = await controller.allSummaries()
            var states: [String: Int] = [:]
            var syncs: [String: Int] = [:]
            for summary in summaries {
                states[summary.state.rawValue, default: 0] += 1
                syncs[summary.sync.rawValue, default: 0] += 1
                if summary.state == .connected || summary.state == .communicating { snapshot.sessionsOpen += 1 }
            }
            snapshot.devicesByState[code] = states
            snapshot.devicesBySync[code] = syncs
            let metrics = await controller.metrics
            snapshot.reconciles[code] = metrics.reconciles
            snapshot.reconcileErrors[code] = metrics.errors
            snapshot.fetchErrors[code] = metrics.fetchErrors
            snapshot.durationSum += metrics.durationSum
            snapshot.durationCount += metrics.durationCount
            for index in snapshot.durationCounts.indices { snapshot.durationCounts[index] += metrics.durationCounts[index] }
        }
        await firmwareMetrics(&snapshot)
        let counters = await directory.counters
        snapshot.announcements = [
            "routed": counters.routed, "rate-limited": counters.rateLimitedSource + counters.rateLimitedDevice,
            "unknown-tenant": counters.unknownTenant, "unregistered": counters.unregisteredDevice,
            "suspended": counters.suspendedDevice, "duplicate-address": counters.duplicateAddress,
        ]
        if let listener = await crp.listenerCounters {
            snapshot.announcements["accepted-authenticated"] = listener.acceptedAuthenticated
            snapshot.crpDropped = Dictionary(
                uniqueKeysWithValues: CRPDropReason.allCases.map { ($0.rawValue, listener[$0]) })
        }
        return snapshot
    }
}
