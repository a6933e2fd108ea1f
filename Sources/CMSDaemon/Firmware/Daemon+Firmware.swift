import CMSAPI
import CMSModel
import CMSReconcile
import CMSStore
import Foundation
import Logging
import NIOPosix
import Synchronization

/// The download server once bound (``Daemon/start()``), for shutdown.
final class FirmwareDownloadsBox: Sendable {
    let server = Mutex<FirmwareDownloadServer?>(nil)

    func close() async {
        let server = self.server.withLock { value in
            defer { value = nil }
            return value
        }
        await server?.close()
    }
}

extension Daemon: FirmwareControl {
    /// One engine and image store per tenant.
    static func firmwareEngines(
        configuration: DaemonConfiguration, journal: any FirmwareJournal, events: any EventStore,
        environment: DaemonEnvironment, logger: Logger
    ) throws -> [String: FirmwareEngine] {
        var engines: [String: FirmwareEngine] = [:]
        for tenant in configuration.tenants {
            var tenantLogger = logger
            tenantLogger[metadataKey: "tenant"] = "\(tenant.code)"
            let store = try FirmwareImageStore(dataFolder: configuration.dataFolder, tenant: tenant.code)
            engines[tenant.code] = FirmwareEngine(
                tenant: tenant.code, journal: journal, store: store, events: events, clock: environment.clock,
                now: environment.now, logger: tenantLogger, settings: environment.firmware)
        }
        return engines
    }

    /// Binds the download server (`listen.firmware`, default 127.0.0.1 on a free port) and hands each tenant its
    /// engine, before the tenants start (their first adopted revision restores interrupted updates).
    func startFirmware() async throws {
        let listen = configuration.firmwareListen ?? HostPort(host: "127.0.0.1", port: 0)
        let server = try await FirmwareDownloadServer.start(
            host: listen.host, port: listen.port, group: MultiThreadedEventLoopGroup.singleton, now: environment.now)
        firmwareDownloads.server.withLock { $0 = server }
        logger.info("firmware downloads listening", metadata: ["address": "\(listen.host):\(server.port)"])
        // Each engine is attached to its tenant's controller by ``attachParts(_:to:)``.
        for engine in firmwareEngines.values { await engine.setDownloads(server) }
    }

    /// The firmware series of `/metrics`.
    func firmwareMetrics(_ snapshot: inout MetricsSnapshot) async {
        for (code, engine) in firmwareEngines {
            var devices: [String: Int] = [:]
            var phases: [String: Int] = [:]
            for rollout in await engine.list() {
                phases[rollout.phase.rawValue, default: 0] += 1
                guard !rollout.isOver else { continue }
                for (state, count) in rollout.counts { devices[state, default: 0] += count }
            }
            snapshot.firmwareRolloutDevices[code] = devices
            snapshot.firmwareRollouts[code] = phases
        }
        if let server = firmwareDownloads.server.withLock({ $0 }) {
            let figures = server.downloads
            snapshot.firmwareDownloadsActive = figures.active
            snapshot.firmwareDownloadBytes = figures.bytes
        }
    }

    /// The port devices download from (tests).
    public var firmwareDownloadPort: Int? { firmwareDownloads.server.withLock { $0?.port } }

    private func engine(_ tenant: String) throws(APIError) -> FirmwareEngine {
        guard let engine = firmwareEngines[tenant] else { throw APIError.notFound("tenant", tenant) }
        return engine
    }

    public func firmwareImages(_ tenant: String) async throws(APIError) -> [StoredFirmwareImage] {
        let engine = try engine(tenant)
        return await engine.store.list()
    }

    public func addFirmwareImage(
        _ tenant: String, product: String, version: String?, user: String?,
        chunks: any AsyncSequence<[UInt8], any Error> & Sendable
    ) async throws(APIError) -> StoredFirmwareImage {
        let engine = try engine(tenant)
        let image = try await engine.store.add(
            product: product, version: version, user: user, now: environment.now(), chunks: chunks)
        _ = try? await events.append([
            Event(
                time: environment.now(), tenant: tenant, type: .firmwareImageRegistered, user: user,
                details: [
                    "image": "\(image.product) \(image.version) (\(image.sha256.prefix(12))…)", "sha256": image.sha256,
                    "size": String(image.size),
                ])
        ])
        return image
    }

    public func removeFirmwareImage(_ tenant: String, sha256: String, user: String?) async throws(APIError)
        -> StoredFirmwareImage
    {
        let engine = try engine(tenant)
        let image = try await engine.store.find(sha256)
        let users = await engine.users(ofSHA256: image.sha256)
        guard users.isEmpty else {
            throw APIError(
                status: 409, code: "image-in-use",
                message: "image \(image.sha256.prefix(12))… is used by " + users.joined(separator: ", ")
                    + "; change the desired state first")
        }
        try await engine.store.remove(sha256: image.sha256)
        _ = try? await events.append([
            Event(
                time: environment.now(), tenant: tenant, type: .firmwareImageDeleted, user: user,
                details: ["image": "\(image.product) \(image.version) (\(image.sha256.prefix(12))…)", "sha256": image.sha256])
        ])
        return image
    }

    public func rollouts(_ tenant: String) async throws(APIError) -> RolloutList {
        let engine = try engine(tenant)
        let list = await engine.list()
        let (open, next) = await engine.outlook()
        return RolloutList(
            rollouts: list.map(Self.status), windowOpen: open, nextWindow: next?.window, nextWindowStart: next?.start)
    }

    public func resumeRollout(_ tenant: String, id: String?, user: String?) async throws(APIError) -> RolloutList {
        try await engine(tenant).resume(id, user: user)
        return try await rollouts(tenant)
    }

    public func firmwareUpdate(_ tenant: String, request: FirmwareUpdateRequest, user: String?) async throws(APIError)
        -> RolloutStatus
    {
        let engine = try engine(tenant)
        guard let controller = controller(tenant), let snapshot = await controller.snapshotInForce else {
            throw APIError(status: 409, code: "no-revision", message: "the tenant has no revision in force yet")
        }
        guard let image = snapshot.firmware.first(where: { $0.name == request.image || $0.sha256 == request.image })
        else {
            throw APIError.badRequest(
                "no firmware image `\(request.image)` in the revision in force; declare it in firmware/*.yaml "
                    + "(images: " + snapshot.firmware.map(\.name).joined(separator: ", ") + ")")
        }
        guard let mode = FirmwareTarget.Mode(rawValue: request.mode) else {
            throw APIError.badRequest("mode must be normal, background or no-reboot")
        }
        if mode != .normal, !image.product.supportsBackgroundUpdate {
            throw APIError.badRequest("\(image.product.rawValue) cannot update firmware in \(mode.rawValue) mode")
        }
        var devices = request.devices
        if let name = request.group {
            guard let group = snapshot.groups.first(where: { $0.name == name }) else {
                throw APIError.notFound("group", name)
            }
            devices += group.members.map(\.device)
        }
        let known = Set(snapshot.devices.map(\.code))
        if let unknown = devices.first(where: { !known.contains($0) }) { throw APIError.notFound("device", unknown) }
        guard !devices.isEmpty else { throw APIError.badRequest("name a device or --group") }
        var seen: Set<String> = []
        devices = devices.filter { seen.insert($0).inserted }
        guard let rollout = await engine.update(devices: devices, image: image, mode: mode, user: user) else {
            throw APIError(status: 409, code: "no-revision", message: "the tenant has no revision in force yet")
        }
        return Self.status(rollout)
    }

    static func status(_ rollout: FirmwareRollout) -> RolloutStatus {
        let batches = rollout.batches.enumerated().map { index, devices in
            let states = devices.compactMap { rollout.devices[$0]?.label }
            func count(_ label: String) -> Int { states.filter { $0 == label }.count }
            return RolloutStatus.Batch(
                index: index, canary: rollout.hasCanary && index == 0, devices: devices, done: count("done"),
                failed: count("failed"), inFlight: count("in-flight"), pending: count("pending"),
                skipped: count("skipped"))
        }
        var failed: [String: String] = [:]
        var skipped: [String: String] = [:]
        for (device, state) in rollout.devices {
            if case .failed(let reason) = state { failed[device] = reason }
            if case .skipped(let reason) = state { skipped[device] = reason }
        }
        return RolloutStatus(
            id: rollout.id, image: rollout.image, version: rollout.version, mode: rollout.mode.rawValue,
            phase: rollout.phase.rawValue, user: rollout.user, revision: rollout.revision, reason: rollout.stallReason,
            currentBatch: rollout.batchIndex, batches: batches, counts: rollout.counts, failed: failed,
            skipped: skipped, created: rollout.created, group: rollout.group)
    }
}
