import CMSModel

/// A progressive firmware rollout as a value (docs/firmware.md): the devices to update split into a canary batch
/// and batches, a concurrency cap, a failure threshold, pauses, and maintenance windows. Inputs (a clock tick with
/// whether a window is open, a device's outcome, an operator's resume) return the actions the engine performs
/// (start a device, say a batch started / is done, stall, finish). No I/O; Codable so the engine persists it after
/// every step and a restarted `cmsd` carries on where it stopped.
public struct FirmwareRollout: Sendable, Equatable, Codable {
    /// Where one device is.
    public enum DeviceState: Sendable, Equatable, Hashable, Codable {
        /// Not started yet.
        case pending
        /// Started (the engine owns it until it reports an outcome).
        case inFlight(since: Timestamp)
        /// Verified on the new version.
        case done
        case failed(String)
        /// Not updated, with why (same version, product mismatch, no longer targeted).
        case skipped(String)

        public var isTerminal: Bool {
            switch self {
            case .pending, .inFlight: false
            case .done, .failed, .skipped: true
            }
        }

        public var label: String {
            switch self {
            case .pending: "pending"
            case .inFlight: "in-flight"
            case .done: "done"
            case .failed: "failed"
            case .skipped: "skipped"
            }
        }
    }

    /// What a device's update ended with (reported by the engine).
    public enum Outcome: Sendable, Equatable, Hashable, Codable {
        case done
        case failed(String)
        case skipped(String)
    }

    /// The rollout as a whole.
    public enum Phase: String, Sendable, Equatable, Hashable, Codable {
        /// Starting devices of the current batch as the cap allows.
        case running
        /// The canary batch is done; waiting `soak` before the next batch.
        case soaking
        /// A batch is done; waiting `pause` before the next.
        case pausing
        /// Devices are pending but no window is open (in-flight ones finish).
        case waitingForWindow = "waiting-for-window"
        /// Too many failures: nothing new starts until a new revision or `cms rollout resume`.
        case stalled
        case finished
    }

    /// What the engine does.
    public enum Action: Sendable, Equatable, Hashable {
        case start(String)
        case batchStarted(index: Int, devices: [String])
        case batchDone(index: Int)
        case stalled(reason: String, failed: [String])
        case resumed
        case finished
    }

    /// The rollout's policy with amounts resolved against its device count.
    public struct Policy: Sendable, Equatable, Hashable, Codable {
        public var maxConcurrent: Int
        public var soakSeconds: Int
        public var pauseSeconds: Int
        /// The rollout stalls when more than this many devices failed (since the last resume).
        public var maxFailures: Int
        /// Names of the windows it starts devices in (nil: the tenant's `rollout.windows`); a group's policy sets them.
        public var windows: [String]?
        /// Extra attempts after a failed transfer (nil: the tenant's).
        public var transferRetries: Int?
        /// How long a device may take to come back on the version (nil: the tenant's).
        public var rebootDeadlineSeconds: Int?

        public init(
            maxConcurrent: Int, soakSeconds: Int = 0, pauseSeconds: Int = 0, maxFailures: Int = 0,
            windows: [String]? = nil, transferRetries: Int? = nil, rebootDeadlineSeconds: Int? = nil
        ) {
            self.maxConcurrent = max(1, maxConcurrent)
            self.soakSeconds = soakSeconds
            self.pauseSeconds = pauseSeconds
            self.maxFailures = maxFailures
            self.windows = windows
            self.transferRetries = transferRetries
            self.rebootDeadlineSeconds = rebootDeadlineSeconds
        }
    }

    /// Identity: the image and who asked.
    public var id: String
    public var image: String
    public var version: String
    public var mode: FirmwareTarget.Mode
    public var user: String?
    public var revision: String?
    public var policy: Policy
    /// The group whose `rollout:` set the policy (nil: the tenant's).
    public var group: String?
    /// Batch 0 is the canary batch when `hasCanary`.
    public private(set) var batches: [[String]]
    public private(set) var hasCanary: Bool
    public private(set) var devices: [String: DeviceState]
    public private(set) var batchIndex: Int = 0
    public private(set) var phase: Phase = .running
    public private(set) var waitUntil: Timestamp?
    /// When the current soak or pause began (the batch before it was done): its devices must not reboot after it.
    public private(set) var waitStarted: Timestamp?
    public private(set) var stallReason: String?
    /// Failures tolerated by the last resume (not counted against the threshold again).
    public private(set) var failureBase: Int = 0
    public private(set) var startedBatches: Int = 0
    public private(set) var created: Timestamp

    /// A rollout of `devices` (in order) with `skipped` already decided. `canary` devices come first and alone;
    /// the rest in batches of `batchSize` (≥ 1).
    public init(
        id: String, image: String, version: String, mode: FirmwareTarget.Mode = .normal, user: String? = nil,
        revision: String? = nil, group: String? = nil, devices: [String], skipped: [String: String] = [:],
        canary: Int, batchSize: Int, policy: Policy, now: Timestamp
    ) {
        self.id = id
        self.group = group
        self.image = image
        self.version = version
        self.mode = mode
        self.user = user
        self.revision = revision
        self.policy = policy
        self.created = now
        let targets = devices.filter { skipped[$0] == nil }
        var batches: [[String]] = []
        let canaryCount = min(max(0, canary), targets.count)
        if canaryCount > 0 { batches.append(Array(targets.prefix(canaryCount))) }
        var rest = targets.dropFirst(canaryCount)
        let size = max(1, batchSize)
        while !rest.isEmpty {
            batches.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        self.batches = batches
        self.hasCanary = canaryCount > 0
        var states: [String: DeviceState] = [:]
        for device in targets { states[device] = .pending }
        for (device, reason) in skipped { states[device] = .skipped(reason) }
        self.devices = states
    }

    // MARK: - Queries

    public func devices(in state: String) -> [String] {
        devices.filter { $0.value.label == state }.map(\.key).sorted()
    }

    public var failedDevices: [String] { devices(in: "failed") }
    public var inFlightDevices: [String] { devices(in: "in-flight") }
    public var isOver: Bool { phase == .finished }

    // MARK: - Inputs

    /// Time passed (or anything changed): starts what may start. `windowOpen` says whether a maintenance window
    /// allows new starts now.
    public mutating func tick(now: Timestamp, windowOpen: Bool) -> [Action] {
        var actions: [Action] = []
        while true {
            switch phase {
            case .finished, .stalled:
                return actions
            case .soaking, .pausing:
                guard let until = waitUntil, now >= until else { return actions }
                waitUntil = nil
                waitStarted = nil
                batchIndex += 1
                phase = .running
            case .running, .waitingForWindow:
                break
            }
            if batchIndex >= batches.count {
                phase = .finished
                actions.append(.finished)
                return actions
            }
            if startedBatches <= batchIndex {
                startedBatches = batchIndex + 1
                actions.append(.batchStarted(index: batchIndex, devices: batches[batchIndex]))
            }
            let batch = batches[batchIndex]
            if batch.allSatisfy({ devices[$0]?.isTerminal ?? true }) {
                actions.append(.batchDone(index: batchIndex))
                if batchIndex == batches.count - 1 {
                    phase = .finished
                    actions.append(.finished)
                    return actions
                }
                let wait = hasCanary && batchIndex == 0 ? policy.soakSeconds : policy.pauseSeconds
                if wait > 0 {
                    phase = hasCanary && batchIndex == 0 ? .soaking : .pausing
                    waitUntil = now + .seconds(wait)
                    waitStarted = now
                    return actions
                }
                batchIndex += 1
                phase = .running
                continue
            }
            var inFlight = devices.values.filter { if case .inFlight = $0 { true } else { false } }.count
            let pending = batch.filter { devices[$0] == .pending }
            if !windowOpen {
                if !pending.isEmpty { phase = .waitingForWindow }
                return actions
            }
            phase = .running
            for device in pending where inFlight < policy.maxConcurrent {
                devices[device] = .inFlight(since: now)
                inFlight += 1
                actions.append(.start(device))
            }
            return actions
        }
    }

    /// A device's update ended; may stall the rollout, then ticks.
    public mutating func deviceFinished(_ device: String, _ outcome: Outcome, now: Timestamp, windowOpen: Bool)
        -> [Action]
    {
        guard let state = devices[device], !state.isTerminal else { return [] }
        switch outcome {
        case .done: devices[device] = .done
        case .failed(let reason): devices[device] = .failed(reason)
        case .skipped(let reason): devices[device] = .skipped(reason)
        }
        if let stalled = stallIfOverThreshold() { return [stalled] }
        return tick(now: now, windowOpen: windowOpen)
    }

    /// The devices whose health is watched now: during a soak or pause, the done devices of the batch just finished.
    public var soakingDevices: [String] {
        guard phase == .soaking || phase == .pausing, batches.indices.contains(batchIndex) else { return [] }
        return batches[batchIndex].filter { devices[$0] == .done }
    }

    /// A device verified on the version stopped being healthy during the soak or pause after its batch (it went
    /// away, rebooted, or runs another version): it failed after all, which may stall the rollout.
    public mutating func regressed(_ device: String, reason: String, now: Timestamp, windowOpen: Bool) -> [Action] {
        guard devices[device] == .done, phase != .finished else { return [] }
        devices[device] = .failed(reason)
        if let stalled = stallIfOverThreshold() { return [stalled] }
        return tick(now: now, windowOpen: windowOpen)
    }

    private mutating func stallIfOverThreshold() -> Action? {
        let failed = failedDevices
        guard phase != .stalled, phase != .finished, failed.count - failureBase > policy.maxFailures else { return nil }
        phase = .stalled
        waitUntil = nil
        waitStarted = nil
        let reason =
            "\(failed.count - failureBase) device(s) failed, more than maxFailures \(policy.maxFailures): "
            + failed.joined(separator: ", ")
        stallReason = reason
        return .stalled(reason: reason, failed: failed)
    }

    /// An in-flight device goes back to pending (its operation never reached the device: the engine restarted
    /// before the intent was recorded).
    public mutating func requeue(_ device: String) {
        if case .inFlight = devices[device] { devices[device] = .pending }
    }

    /// The operator (or a new revision) lets a stalled rollout continue: the failures so far are tolerated.
    public mutating func resume(now: Timestamp, windowOpen: Bool) -> [Action] {
        guard phase == .stalled else { return [] }
        failureBase = failedDevices.count
        stallReason = nil
        phase = .running
        return [.resumed] + tick(now: now, windowOpen: windowOpen)
    }

    /// Counts per state for status.
    public var counts: [String: Int] {
        var result: [String: Int] = ["pending": 0, "in-flight": 0, "done": 0, "failed": 0, "skipped": 0]
        for state in devices.values { result[state.label, default: 0] += 1 }
        return result
    }
}
