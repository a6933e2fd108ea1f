import CMSModel
import CMSReconcile
import CRP
import Logging

/// Routes CRP announcements to the ``DeviceAgent`` of the device they name, and records the SPEC §9
/// events for the ones that cannot be routed (docs/devices.md "CRP routing").
///
/// In order: a token bucket per source address for unauthenticated announcements (signed ones
/// that verified skip it, so spoofed unsigned traffic cannot starve them); the tenant
/// (customer-id; an unknown one is counted and logged, it has no event log to write to); the
/// device by cpe-id, else by serial (a serial-coded device, or the serial a device registered);
/// a token bucket per device; unregistered → `crp.unregistered-device`, aggregated per source and
/// interval (``ReportAggregator``) so random device codes cannot flood the event log; suspended →
/// discarded; an address another device of the tenant is using right now →
/// `crp.address-duplicate`; else the agent gets the address, with whether it was authenticated.
public actor DeviceDirectory {
    /// Token buckets of the directory (after the listener's own per-source limit).
    public struct Limits: Sendable, Hashable {
        /// Announcements per source address: burst, then refill per second.
        public var sourceBurst: Double
        public var sourceRefillPerSecond: Double
        /// Announcements per device (tenant + cpe-id / serial): burst, then refill per second.
        /// A device announces 3 times at boot and then every keepalive (docs/crp.md §7).
        public var deviceBurst: Double
        public var deviceRefillPerSecond: Double
        /// Most keys each limiter tracks at once (idle ones are evicted first).
        public var maxKeys: Int
        /// Unregistered-device events: one per tenant, source and interval in full, the rest as
        /// one summary with a count; at most this many full ones per tenant and interval, and
        /// at most `reportKeys` sources tracked per tenant (the rest go to one overflow summary).
        public var reportInterval: Duration
        public var reportsPerInterval: Int
        public var reportKeys: Int

        public init(
            sourceBurst: Double = 20, sourceRefillPerSecond: Double = 2, deviceBurst: Double = 6,
            deviceRefillPerSecond: Double = 0.2, maxKeys: Int = 65_536, reportInterval: Duration = .seconds(60),
            reportsPerInterval: Int = 50, reportKeys: Int = 1024
        ) {
            self.sourceBurst = sourceBurst
            self.sourceRefillPerSecond = sourceRefillPerSecond
            self.deviceBurst = deviceBurst
            self.deviceRefillPerSecond = deviceRefillPerSecond
            self.maxKeys = maxKeys
            self.reportInterval = reportInterval
            self.reportsPerInterval = reportsPerInterval
            self.reportKeys = reportKeys
        }
    }

    /// What became of the announcements given to ``route(_:from:)``.
    public struct Counters: Sendable, Hashable {
        /// Handed to an agent.
        public var routed = 0
        public var rateLimitedSource = 0
        public var rateLimitedDevice = 0
        public var unknownTenant = 0
        public var unregisteredDevice = 0
        public var suspendedDevice = 0
        public var duplicateAddress = 0
        /// Of those counted above, routed ones that were authenticated (signed, verified).
        public var routedAuthenticated = 0
        /// Unregistered-device and unknown-tenant reports folded into a summary instead of one
        /// event (or log line) each.
        public var reportsAggregated = 0

        public init() {}
    }

    private struct TenantEntry {
        var agents: [String: DeviceAgent]
        /// Registered serial → device code.
        var serials: [String: String]
        var suspended: Set<String>
        /// The control address each device last took, and who holds each address.
        var addressOf: [String: ControlAddress] = [:]
        var holder: [ControlAddress: String] = [:]
    }

    private let events: any EventStore
    private let logger: Logger
    private let now: @Sendable () -> Timestamp
    /// Time since the directory was made, on the injected clock (the rate limiters' time base).
    private let elapsed: @Sendable () -> Duration
    private let limits: Limits
    private var tenants: [String: TenantEntry] = [:]
    private var sourceLimiter: RateLimiter<String>
    private var deviceLimiter: RateLimiter<String>
    /// Unregistered-device reports per tenant, by source address.
    private var unregisteredReports: [String: ReportAggregator<String>] = [:]
    /// Unknown-tenant log lines, by source address.
    private var unknownTenantReports: ReportAggregator<String>
    public private(set) var counters = Counters()

    /// - Parameter uptime: a monotonic clock for the rate limits and report intervals (tests
    ///   inject one to cross an interval without waiting); by default time since `init`.
    public init(
        events: any EventStore, logger: Logger = Logger(label: "cms.devices.directory"), limits: Limits = Limits(),
        now: @escaping @Sendable () -> Timestamp = DeviceContext.wallClock,
        clock: any Clock<Duration> = ContinuousClock(), uptime: (@Sendable () -> Duration)? = nil
    ) {
        self.events = events
        self.logger = logger
        self.now = now
        self.elapsed = uptime ?? Self.stopwatch(clock)
        self.limits = limits
        self.unknownTenantReports = ReportAggregator(
            interval: limits.reportInterval, maxKeys: limits.reportKeys,
            maxReportsPerInterval: limits.reportsPerInterval)
        self.sourceLimiter = RateLimiter(
            capacity: limits.sourceBurst, refillPerSecond: limits.sourceRefillPerSecond, maxKeys: limits.maxKeys)
        self.deviceLimiter = RateLimiter(
            capacity: limits.deviceBurst, refillPerSecond: limits.deviceRefillPerSecond, maxKeys: limits.maxKeys)
    }

    /// Replaces a tenant's devices (every new revision). `agents` by device code, `serials` maps
    /// a registered serial number to its device code, `suspended` holds suspended codes (an agent
    /// for them is optional). Address bookkeeping of devices that remain is kept.
    public func setDevices(
        tenant: String, agents: [String: DeviceAgent], serials: [String: String], suspended: Set<String>
    ) {
        var entry = TenantEntry(agents: agents, serials: serials, suspended: suspended)
        if let old = tenants[tenant] {
            for (code, address) in old.addressOf where agents[code] != nil && !suspended.contains(code) {
                entry.addressOf[code] = address
                entry.holder[address] = code
            }
        }
        tenants[tenant] = entry
    }

    /// Forgets a tenant: its announcements count as from an unknown tenant from now on.
    public func removeTenant(_ tenant: String) {
        tenants[tenant] = nil
    }

    /// The tenants currently routed.
    public var tenantCodes: [String] { tenants.keys.sorted() }

    /// Routes one announcement; `source` is the datagram's source IP address; `authenticated` is
    /// true when its signature verified with the tenant's CRP secret.
    public func route(_ announcement: Announcement, from source: String, authenticated: Bool = false) async {
        let elapsed = elapsed()
        await flushReports(at: elapsed)
        // Verified announcements are bounded by the replay guard and the per-device limit below; a
        // per-source bucket would let spoofed unsigned traffic from their source starve them.
        if !authenticated {
            guard sourceLimiter.allow(source, now: elapsed) else {
                counters.rateLimitedSource += 1
                return
            }
        }
        let tenant = announcement.customerID
        guard var entry = tenants[tenant] else {
            counters.unknownTenant += 1
            if unknownTenantReports.note(source, now: elapsed).verdict == .report {
                logger.warning(
                    "CRP announcement for an unknown tenant discarded",
                    metadata: ["crp.customer-id": "\(tenant)", "crp.source": "\(source)"])
            } else {
                counters.reportsAggregated += 1
            }
            return
        }
        let named = announcement.cpeID ?? announcement.serial ?? ""
        let code = resolve(announcement, in: entry)
        guard deviceLimiter.allow("\(tenant)/\(code ?? named)", now: elapsed) else {
            counters.rateLimitedDevice += 1
            return
        }
        let address = ControlAddress(
            host: announcement.advertise.address.description, port: Int(announcement.advertise.port))
        guard let code else {
            counters.unregisteredDevice += 1
            var reports =
                unregisteredReports[tenant]
                ?? ReportAggregator(
                    interval: limits.reportInterval, maxKeys: limits.reportKeys,
                    maxReportsPerInterval: limits.reportsPerInterval)
            let verdict = reports.note(source, now: elapsed).verdict
            unregisteredReports[tenant] = reports
            guard verdict == .report else {
                counters.reportsAggregated += 1
                return
            }
            var details = [
                "address": address.description, "source": source, "product": announcement.product,
            ]
            if let serial = announcement.serial { details["serial"] = serial }
            await record(
                Event(time: now(), tenant: tenant, type: .crpUnregisteredDevice, device: named, details: details))
            return
        }
        if entry.suspended.contains(code) {
            counters.suspendedDevice += 1
            logger.debug(
                "CRP announcement of a suspended device discarded",
                metadata: ["tenant": "\(tenant)", "device.code": "\(code)", "crp.source": "\(source)"])
            return
        }
        guard let agent = entry.agents[code] else { return }
        if let other = entry.holder[address], other != code, let otherAgent = entry.agents[other],
            await Self.isUsing(otherAgent, address)
        {
            counters.duplicateAddress += 1
            await record(
                Event(
                    time: now(), tenant: tenant, type: .crpAddressDuplicate, device: code,
                    details: ["address": address.description, "other": other, "source": source]))
            return
        }
        // Re-read: the awaits above may have let a new revision in (or removed the tenant).
        guard let current = tenants[tenant], current.agents[code] === agent else { return }
        entry = current
        if let previous = entry.addressOf[code], previous != address, entry.holder[previous] == code {
            entry.holder[previous] = nil
        }
        entry.addressOf[code] = address
        entry.holder[address] = code
        tenants[tenant] = entry
        counters.routed += 1
        if authenticated { counters.routedAuthenticated += 1 }
        await agent.announce(address, from: source, authenticated: authenticated, bootID: announcement.bootID)
    }

    /// Writes the summaries of report intervals that are over (one event per tenant and source
    /// with the count of unregistered-device announcements not reported one by one). `route`
    /// does it as it goes; the CRP service calls it periodically so a flood that stopped is
    /// summarised too.
    public func flushReports() async {
        await flushReports(at: elapsed())
    }

    private func flushReports(at elapsed: Duration) async {
        let seconds = limits.reportInterval.components.seconds
        for summary in unknownTenantReports.due(now: elapsed) {
            logger.warning(
                "CRP announcements for unknown tenants discarded",
                metadata: [
                    "crp.source": "\(summary.key ?? "other sources")", "crp.count": "\(summary.count)",
                    "crp.interval": "\(seconds) s",
                ])
        }
        for tenant in unregisteredReports.keys.sorted() {
            guard var reports = unregisteredReports[tenant] else { continue }
            let due = reports.due(now: elapsed)
            unregisteredReports[tenant] = reports.trackedKeys == 0 ? nil : reports
            guard !due.isEmpty else { continue }
            let events = due.map { summary in
                let from = summary.key.map { "from \($0)" } ?? "from other sources (too many to track one by one)"
                return Event(
                    time: now(), tenant: tenant, type: .crpUnregisteredDevice, device: nil,
                    details: [
                        "source": summary.key ?? "other", "count": String(summary.count),
                        "interval": "\(seconds) s",
                        "summary":
                            "\(summary.count) more announcements from unknown devices \(from) in the last \(seconds) s",
                    ])
            }
            await record(events)
        }
    }

    /// A monotonic "time since now" reader on `clock`.
    private static func stopwatch<C: Clock<Duration>>(_ clock: C) -> @Sendable () -> Duration {
        let origin = clock.now
        return { origin.duration(to: clock.now) }
    }

    /// The device an announcement names: by cpe-id, else by serial (as a code or a registered one).
    private func resolve(_ announcement: Announcement, in entry: TenantEntry) -> String? {
        func known(_ code: String) -> Bool { entry.agents[code] != nil || entry.suspended.contains(code) }
        if let cpeID = announcement.cpeID, known(cpeID) { return cpeID }
        if let serial = announcement.serial {
            if known(serial) { return serial }
            if let code = entry.serials[serial], known(code) { return code }
        }
        return nil
    }

    /// Whether a device is at `address` right now (not merely was, before it went away).
    private static func isUsing(_ agent: DeviceAgent, _ address: ControlAddress) async -> Bool {
        let info = await agent.info()
        guard info.address == address else { return false }
        switch info.state {
        case .identifying, .connected, .communicating, .rebooting: return true
        case .awaitingAddress, .disconnected, .suspended: return false
        }
    }

    private func record(_ event: Event) async {
        await record([event])
    }

    private func record(_ batch: [Event]) async {
        guard let first = batch.first else { return }
        do {
            try await events.append(batch)
        } catch {
            logger.error(
                "cannot record a CRP event",
                metadata: ["tenant": "\(first.tenant)", "event": "\(first.type.rawValue)", "error": "\(error)"])
        }
    }
}
