import CMSAPI
import CMSModel
import CMSPlan
import CMSReconcile
import CMSSchema
import GitSource
import NETCONFClient

/// What the API asks of one tenant: status, device list and detail, plan, reconcile and refresh requests.
extension TenantController {
    /// The tenant's condition, revisions and counters.
    public func status() async -> TenantStatus {
        let rows = statusRows()
        let lintErrors = Self.lintErrors(tracker.lastAttempted)
        let ready = rows.count { $0.condition.status == .ready }
        let stalled = rows.count { $0.condition.status == .stalled }
        let reconciling = rows.count { $0.condition.status == .reconciling }
        let suspendedSync = rows.count { $0.condition.status == .suspended }
        // A suspended device is the operator's decision and a device that never announced is waiting, not failing:
        // neither keeps the tenant from Ready.
        let suspended = rows.count { $0.state == .suspended }
        let waiting = rows.count { $0.condition.reason == SyncReason.awaitingAnnouncement.rawValue }
        let working = rows.count {
            $0.condition.status == .reconciling && $0.condition.reason != SyncReason.awaitingAnnouncement.rawValue
        }
        let failing = rows.filter { $0.condition.status == .stalled && $0.state != .suspended }.map(\.condition.reason)
        var notes: [String] = []
        if suspended > 0 { notes.append("\(suspended) suspended") }
        if waiting > 0 { notes.append("\(waiting) waiting for their first announcement") }
        let note = notes.isEmpty ? "" : " (" + notes.joined(separator: ", ") + ")"
        let (status, reason, message): (SyncStatus, String, String)
        if !lintErrors.isEmpty {
            (status, reason, message) = (
                .stalled, SyncReason.lintFailed.rawValue,
                "revision \(tracker.lastAttemptedRevision?.prefix(12) ?? "?") has \(lintErrors.count) lint "
                    + "error(s); \(inForce.map { "revision \($0.shortCommit) stays in force" } ?? "nothing is in force")"
            )
        } else if let refusal = pruneRefusal {
            (status, reason, message) = (.stalled, SyncReason.pruneRefused.rawValue, refusal.message)
        } else if let access = sourceAccess {
            (status, reason, message) = (
                .stalled, access.reason.rawValue,
                "the tenant repository cannot be fetched: \(access.message)"
                    + (inForce.map { "; revision \($0.shortCommit) stays in force" } ?? "")
            )
        } else if let problem = crpSecretProblem {
            (status, reason, message) = (
                .stalled, "CRPSecretUnavailable",
                "the tenant's CRP secret cannot be read, so every announcement is refused: \(problem)"
            )
        } else if inForce == nil {
            (status, reason, message) = (
                .reconciling, SyncReason.pending.rawValue,
                tracker.lastFetchError.map { "no revision yet: \($0)" } ?? "no revision loaded yet"
            )
        } else if working > 0 {
            (status, reason, message) = (
                .reconciling, SyncReason.applying.rawValue, "\(working) device(s) reconciling" + note
            )
        } else if !failing.isEmpty {
            // The tenant's reason says what its stalled devices have in common.
            let blocked = failing.count { $0 == SyncReason.hostKeyMismatch.rawValue }
            let shared: SyncReason =
                blocked > 0
                ? .hostKeyMismatch
                : failing.allSatisfy { $0 == SyncReason.unreachable.rawValue } ? .unreachable : .failed
            var parts = ["\(failing.count) device(s) stalled"]
            if blocked > 0 { parts.append("\(blocked) blocked by a host-key mismatch") }
            (status, reason, message) = (.stalled, shared.rawValue, parts.joined(separator: ", ") + note)
        } else {
            (status, reason, message) = (
                .ready, SyncReason.applied.rawValue,
                "revision \(inForce?.shortCommit ?? "") in force, every device in sync" + note
            )
        }
        let since =
            lastCondition.flatMap { $0.status == status && $0.reason == reason ? $0.since : nil } ?? now()
        let condition = SyncCondition(status: status, reason: reason, message: message, since: since)
        lastCondition = condition
        return TenantStatus(
            tenant: code, condition: condition, lastAppliedRevision: inForce?.commit,
            lastAttemptedRevision: tracker.lastAttemptedRevision, lintErrors: lintErrors,
            lastFetchError: tracker.lastFetchError, lastFetch: lastFetch,
            counts: DeviceStateCounts(rows.map(\.state)), ready: ready, reconciling: reconciling, stalled: stalled,
            suspended: suspendedSync,
            notCarriedOut: inForce?.snapshot.map(NotCarriedOut.kinds(in:)) ?? [],
            timeZone: inForce?.snapshot?.tenant.timeZone)
    }

    /// One page of devices.
    public func devices(_ query: DeviceListQuery) async throws(APIError) -> DevicePage {
        if let value = query.value, value.count > DeviceListQuery.maximumSearchLength {
            throw APIError.badRequest("search values are at most \(DeviceListQuery.maximumSearchLength) characters")
        }
        if (query.field == nil) != (query.value == nil) {
            throw APIError.badRequest("give both a search field and a value, or neither")
        }
        if let size = query.pageSize, !DeviceListQuery.pageSizes.contains(size) {
            throw APIError.badRequest(
                "page size \(size) is not one of \(DeviceListQuery.pageSizes.map(String.init).joined(separator: ", ")) (or all)")
        }
        guard query.page >= 1 else { throw APIError.badRequest("pages start at 1") }
        let all = await allSummaries()
        let matching = all.filter { summary in
            if !query.states.isEmpty, !query.states.contains(summary.state) { return false }
            if let sync = query.sync, summary.sync != sync { return false }
            if let field = query.field, let value = query.value {
                let candidate = Self.field(field, of: summary)
                if query.exact { return candidate == value }
                return candidate.lowercased().contains(value.lowercased())
            }
            return true
        }
        let page: [DeviceSummary]
        if let size = query.pageSize {
            let start = (query.page - 1) * size
            page = start < matching.count ? Array(matching[start..<min(start + size, matching.count)]) : []
        } else {
            page = query.page == 1 ? matching : []
        }
        return DevicePage(
            devices: page, total: matching.count, page: query.page, pageSize: query.pageSize,
            counts: DeviceStateCounts(all.map(\.state)))
    }

    /// Everything about one device.
    public func device(_ device: String) async throws(APIError) -> DeviceDetail {
        guard let desired = inForce?.snapshot?.device(device), let record = records[device] else {
            throw APIError.notFound("device", device)
        }
        let info = await agents[device]?.info()
        let summary = summary(desired, record: record, info: info)
        var managed: [String: Bool] = [:]
        if let revision = inForce {
            // The same parts a run uses (baseline and IPsec), from the one place that assembles them.
            let inSync = record.sync.condition.status == .ready && record.sync.lastAppliedRevision == revision.commit
            for part in managedParts(for: desired, revision: revision).parts { managed[part.id] = inSync }
        }
        return DeviceDetail(
            summary: summary, condition: Self.condition(record.sync.condition, posting: states.posting(device)),
            lastAppliedRevision: record.sync.lastAppliedRevision,
            lastAttemptedRevision: record.sync.lastAttemptedRevision, lastError: record.sync.lastError,
            nextRetry: record.sync.nextRetry, hostKey: info?.hostKey ?? record.hostKey,
            hostKeyBlocked: info?.hostKeyBlocked ?? false, uptimeSeconds: info?.uptimeSeconds,
            loadAverage: info?.loadAverage, memoryUsedKiB: info?.memoryUsedKiB, memoryTotalKiB: info?.memoryTotalKiB,
            interfaces: info?.interfaces ?? [], managedParts: managed, history: record.sync.history)
    }

    /// The sync records of every device (tests, metrics).
    public func syncStates() -> [String: DeviceSyncState] { records.mapValues(\.sync) }

    /// The revision in force.
    public var revisionInForce: String? { inForce?.commit }

    /// What applying `revision` (default: the tip, fetched now) would change, per device.
    public func plan(revision requested: String?, native: Bool) async throws(APIError) -> TenantPlan {
        let revision: Revision
        if let requested {
            revision = try await PlanRevision.resolve(requested, source: source)
        } else {
            let commit: String
            do {
                commit = try await source.fetch()
            } catch {
                throw APIError(status: 502, code: "fetch-failed", message: "fetching the repository failed: \(error)")
            }
            do {
                revision = try await source.load(revision: commit)
            } catch {
                throw APIError(
                    status: 404, code: "revision-not-found", message: "cannot load revision \(commit): \(error)")
            }
        }
        return await plan(of: revision, native: native)
    }

    /// The plan of a loaded revision (a commit, or a working tree sent by `cms plan --local`) against live state.
    func plan(of revision: Revision, native: Bool) async -> TenantPlan {
        var plan = TenantPlan(tenant: code, revision: revision.commit, lintErrors: Self.lintErrors(revision))
        guard revision.isApplicable, let snapshot = revision.snapshot else { return plan }
        let decision = PruneGuard.evaluate(
            previous: Set(agents.keys), next: Set(snapshot.devices.map(\.code)),
            maxFraction: configuration.pruneMaxFraction, commitMessage: revision.message)
        plan.deletions = decision.removed
        if case .refused(_, let message) = decision { plan.pruneRefused = message }
        (plan.suspensions, plan.resumptions) = PlanLifecycle.changes(from: inForce?.snapshot, to: snapshot)
        // IPsec policies of that revision, with the addresses announced so far.
        let ipsecPlan = ipsec.map { $0.compiler.compile(snapshot: snapshot, addresses: $0.addresses) }
        var reads: [(code: String, parts: [any ManagedPart], agent: DeviceAgent)] = []
        for device in snapshot.devices.sorted(by: { $0.code < $1.code }) {
            if device.suspended { continue }
            let parts: [any ManagedPart]
            do {
                let ipsecParts = ipsecPlan.map { [IPsecPart(device: device.code, policies: $0.policies(of: device.code))] }
                parts = try BaselinePart.parts(for: device, files: revision.files) + (ipsecParts ?? [])
            } catch {
                plan.devices.append(TenantPlan.DevicePlan(device: device.code, parts: [], notes: ["\(error)"]))
                continue
            }
            if parts.isEmpty { continue }
            guard let agent = agents[device.code] else {
                plan.devices.append(
                    TenantPlan.DevicePlan(
                        device: device.code, parts: [], notes: ["new device: its changes are known once it connects"]))
                continue
            }
            reads.append((device.code, parts, agent))
        }
        // The devices' running configs are read concurrently over their sessions (at most 64 at once): read one
        // after another, the round trips of 10,000 devices alone took longer than the plan's budget (issue 17).
        let results = await withTaskGroup(of: (String, Result<DeviceChangeSet, any Error>).self) { group in
            var collected: [String: Result<DeviceChangeSet, any Error>] = [:]
            var next = 0
            func add(_ item: (code: String, parts: [any ManagedPart], agent: DeviceAgent)) {
                group.addTask {
                    do {
                        let changes = try await item.agent.withSession { session in
                            let observed = try await ApplyDriver.read(session, filter: DevicePlanner.readFilter(item.parts))
                            return DevicePlanner.plan(device: item.code, parts: item.parts, observed: observed)
                        }
                        return (item.code, .success(changes))
                    } catch {
                        return (item.code, .failure(error))
                    }
                }
            }
            while next < reads.count && next < 64 {
                add(reads[next])
                next += 1
            }
            for await (code, result) in group {
                collected[code] = result
                if next < reads.count {
                    add(reads[next])
                    next += 1
                }
            }
            return collected
        }
        for (code, _, _) in reads {
            switch results[code] {
            case .success(let changes)?:
                if !changes.isEmpty {
                    plan.devices.append(
                        TenantPlan.DevicePlan(
                            device: code,
                            parts: changes.changes.map {
                                TenantPlan.PartPlan(
                                    part: $0.part, summary: $0.summary,
                                    native: native ? DevicePlanner.nativeText($0.edit) : nil)
                            }))
                }
            case .failure(let error)?:
                plan.devices.append(
                    TenantPlan.DevicePlan(device: code, parts: [], notes: ["cannot read the device now: \(error)"]))
            case nil:
                break
            }
        }
        plan.devices.sort { $0.device < $1.device }
        let changed = plan.devices.count { !$0.parts.isEmpty }
        await append([
            Event(
                time: now(), tenant: code, type: .gitPlanComputed, revision: revision.commit,
                details: ["changes": String(changed)])
        ])
        return plan
    }

    // MARK: - Helpers

    /// Each managed device's state and sync status, from kept values only (the agents' posted states and the
    /// records): no hop into the agents, so a status poll stays cheap at thousands of devices.
    func statusRows() -> [(state: DeviceState, condition: SyncCondition)] {
        guard let snapshot = inForce?.snapshot else { return [] }
        let posted = states.snapshot()
        var rows: [(state: DeviceState, condition: SyncCondition)] = []
        rows.reserveCapacity(snapshot.devices.count)
        for device in snapshot.devices {
            guard let record = records[device.code] else { continue }
            let posting = posted[device.code]
            let state: DeviceState = device.suspended ? .suspended : (posting?.state ?? .awaitingAddress)
            rows.append((state, Self.condition(record.sync.condition, posting: posting)))
        }
        return rows
    }

    /// A device's sync condition as shown: its record's, unless its agent is blocked by a host-key mismatch — then
    /// `stalled` / `HostKeyMismatch` since the block, whatever its last run said (nothing can run until it is lifted).
    static func condition(_ recorded: SyncCondition, posting: DeviceStateBoard.Posting?) -> SyncCondition {
        guard let since = posting?.blockedSince else { return recorded }
        return SyncCondition(
            status: .stalled, reason: SyncReason.hostKeyMismatch.rawValue,
            message: "the device presented another SSH host key than the pinned one; management is blocked until "
                + "the repository's hostKey names the right key (docs/devices.md)",
            since: since)
    }

    func allSummaries() async -> [DeviceSummary] {
        guard let snapshot = inForce?.snapshot else { return [] }
        var result: [DeviceSummary] = []
        for device in snapshot.devices.sorted(by: { $0.code < $1.code }) {
            guard let record = records[device.code] else { continue }
            let info = await agents[device.code]?.info()
            result.append(summary(device, record: record, info: info))
        }
        return result
    }

    func summary(_ device: Device, record: DeviceRecord, info: DeviceRuntimeInfo?) -> DeviceSummary {
        let groups = inForce?.snapshot?.groups.filter { $0.members.contains { $0.device == device.code } }.map(\.name) ?? []
        let state: DeviceState = device.suspended ? .suspended : (info?.state ?? .awaitingAddress)
        // As the original: what the device reported (firmware, hostname) is shown only while it is connected — a
        // suspended or disconnected device may have changed since. The registered serial stays (it identifies it).
        let live = (state == .connected || state == .communicating) ? info?.identity : nil
        return DeviceSummary(
            code: device.code, name: device.name, product: device.product.rawValue, note: device.note,
            state: state, sync: Self.condition(record.sync.condition, posting: states.posting(device.code)).status,
            firmwareVersion: live?.firmwareVersion,
            serial: live?.serial ?? record.serial, hostname: live?.hostname,
            controlAddress: info?.address?.description ?? record.lastAddress, groups: groups,
            lastSeen: live == nil
                ? record.identity.map {
                    DeviceSummary.LastSeen(firmwareVersion: $0.firmwareVersion, hostname: $0.hostname, at: record.lastSeen)
                } : nil)
    }

    static func field(_ field: DeviceListQuery.Field, of summary: DeviceSummary) -> String {
        switch field {
        case .code: summary.code
        case .product: summary.product
        case .name: summary.name
        case .serial: summary.serial ?? ""
        case .hostname: summary.hostname ?? ""
        case .controlAddress: summary.controlAddress ?? ""
        case .note: summary.note
        }
    }

    static func lintErrors(_ revision: Revision?) -> [String] {
        guard let revision else { return [] }
        return revision.diagnostics.filter { $0.severity == .error }
            .map { "\($0.file):\($0.line):\($0.column): \($0.message) [\($0.ruleID)]" }
    }
}
