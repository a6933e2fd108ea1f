import CMSModel

/// The firmware part of `cmsd`'s API (issue 11, docs/firmware.md): the image store, rollout status, resume, and the
/// imperative update. A control plane offers it by conforming; the server answers 501 when it does not.
public protocol FirmwareControl: Sendable {
    func firmwareImages(_ tenant: String) async throws(APIError) -> [StoredFirmwareImage]
    /// Stores an image streamed in `chunks` (never held whole in memory); the product is checked against the image's
    /// header when it has one, the version defaults to the header's.
    func addFirmwareImage(
        _ tenant: String, product: String, version: String?, user: String?,
        chunks: any AsyncSequence<[UInt8], any Error> & Sendable
    ) async throws(APIError) -> StoredFirmwareImage
    /// Removes an image by sha256 (or a unique prefix of ≥ 8 digits); refused while the desired state names it.
    func removeFirmwareImage(_ tenant: String, sha256: String, user: String?) async throws(APIError)
        -> StoredFirmwareImage
    func rollouts(_ tenant: String) async throws(APIError) -> RolloutList
    func resumeRollout(_ tenant: String, id: String?, user: String?) async throws(APIError) -> RolloutList
    func firmwareUpdate(_ tenant: String, request: FirmwareUpdateRequest, user: String?) async throws(APIError)
        -> RolloutStatus
}

/// One image of a tenant's store.
public struct StoredFirmwareImage: Sendable, Hashable, Codable {
    public var sha256: String
    public var product: String
    public var version: String
    public var size: Int64
    public var added: Timestamp
    public var user: String?

    public init(sha256: String, product: String, version: String, size: Int64, added: Timestamp, user: String?) {
        self.sha256 = sha256
        self.product = product
        self.version = version
        self.size = size
        self.added = added
        self.user = user
    }
}

/// `cms firmware update DEVICE|--group G IMAGE [--mode M]`.
public struct FirmwareUpdateRequest: Sendable, Hashable, Codable {
    public var devices: [String]
    public var group: String?
    /// An image name of the revision in force, or a sha256 of the store.
    public var image: String
    public var mode: String

    public init(devices: [String] = [], group: String? = nil, image: String, mode: String = "normal") {
        self.devices = devices
        self.group = group
        self.image = image
        self.mode = mode
    }
}

/// Every rollout of a tenant, newest last, with the maintenance window outlook.
public struct RolloutList: Sendable, Hashable, Codable {
    public var rollouts: [RolloutStatus]
    /// Whether a window allows new starts now (true when the tenant declares none for rollouts).
    public var windowOpen: Bool
    /// The next opening when none is open now: window name and start.
    public var nextWindow: String?
    public var nextWindowStart: Timestamp?

    public init(rollouts: [RolloutStatus], windowOpen: Bool, nextWindow: String? = nil, nextWindowStart: Timestamp? = nil) {
        self.rollouts = rollouts
        self.windowOpen = windowOpen
        self.nextWindow = nextWindow
        self.nextWindowStart = nextWindowStart
    }
}

/// One rollout's progress.
public struct RolloutStatus: Sendable, Hashable, Codable {
    public struct Batch: Sendable, Hashable, Codable {
        public var index: Int
        public var canary: Bool
        public var devices: [String]
        public var done: Int
        public var failed: Int
        public var inFlight: Int
        public var pending: Int
        public var skipped: Int

        public init(
            index: Int, canary: Bool, devices: [String], done: Int, failed: Int, inFlight: Int, pending: Int,
            skipped: Int
        ) {
            self.index = index
            self.canary = canary
            self.devices = devices
            self.done = done
            self.failed = failed
            self.inFlight = inFlight
            self.pending = pending
            self.skipped = skipped
        }
    }

    public var id: String
    public var image: String
    public var version: String
    public var mode: String
    public var phase: String
    public var user: String?
    public var revision: String?
    public var reason: String?
    public var currentBatch: Int
    public var batches: [Batch]
    /// Devices per state: done, in-flight, failed, pending, skipped.
    public var counts: [String: Int]
    public var failed: [String: String]
    public var skipped: [String: String]
    public var created: Timestamp
    /// The group whose `rollout:` set the policy (nil: the tenant's).
    public var group: String?

    public init(
        id: String, image: String, version: String, mode: String, phase: String, user: String?, revision: String?,
        reason: String?, currentBatch: Int, batches: [Batch], counts: [String: Int], failed: [String: String],
        skipped: [String: String], created: Timestamp, group: String? = nil
    ) {
        self.group = group
        self.id = id
        self.image = image
        self.version = version
        self.mode = mode
        self.phase = phase
        self.user = user
        self.revision = revision
        self.reason = reason
        self.currentBatch = currentBatch
        self.batches = batches
        self.counts = counts
        self.failed = failed
        self.skipped = skipped
        self.created = created
    }

    public var total: Int { counts.values.reduce(0, +) }
}
