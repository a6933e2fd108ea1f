/// What applying a revision would change (`cms plan`): per device, per managed part.
public struct TenantPlan: Sendable, Hashable, Codable {
    /// The changes of one managed part on one device.
    public struct PartPlan: Sendable, Hashable, Codable {
        /// `baseline`, `ipsec`, …
        public var part: String
        /// Readable lines, e.g. `+ ipsec-policy cms-mesh-tokyo`, `~ system/telnet-server/enabled: true → false`.
        public var summary: [String]
        /// The `<edit-config>` `<config>` content as XML text, only with `native`.
        public var native: String?
        public init(part: String, summary: [String], native: String? = nil) {
            self.part = part
            self.summary = summary
            self.native = native
        }
    }

    /// One device of the plan.
    public struct DevicePlan: Sendable, Hashable, Codable {
        public var device: String
        public var parts: [PartPlan]
        /// Why the plan for this device is incomplete (never connected, unreachable, pending IPsec parameters…).
        public var notes: [String]
        public init(device: String, parts: [PartPlan], notes: [String] = []) {
            self.device = device
            self.parts = parts
            self.notes = notes
        }
    }

    public var tenant: String
    public var revision: String
    /// Lint errors: when not empty the revision would not be applied at all.
    public var lintErrors: [String]
    /// Only devices with changes or notes.
    public var devices: [DevicePlan]
    /// Devices that would be deleted (gone from git), and whether safe prune would refuse.
    public var deletions: [String]
    public var pruneRefused: String?
    /// Devices the revision suspends (cmsd stops managing them) or resumes, against the revision in force.
    public var suspensions: [String] = []
    public var resumptions: [String] = []

    public init(
        tenant: String, revision: String, lintErrors: [String] = [], devices: [DevicePlan] = [],
        deletions: [String] = [], pruneRefused: String? = nil
    ) {
        self.tenant = tenant
        self.revision = revision
        self.lintErrors = lintErrors
        self.devices = devices
        self.deletions = deletions
        self.pruneRefused = pruneRefused
    }

    /// Whether applying would change anything.
    public var hasChanges: Bool {
        devices.contains { !$0.parts.isEmpty } || !deletions.isEmpty || !suspensions.isEmpty || !resumptions.isEmpty
    }

    private enum CodingKeys: String, CodingKey {
        case tenant, revision, lintErrors, devices, deletions, pruneRefused, suspensions, resumptions
    }

    /// Older servers send no `suspensions`/`resumptions`: empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tenant = try container.decode(String.self, forKey: .tenant)
        revision = try container.decode(String.self, forKey: .revision)
        lintErrors = try container.decode([String].self, forKey: .lintErrors)
        devices = try container.decode([DevicePlan].self, forKey: .devices)
        deletions = try container.decode([String].self, forKey: .deletions)
        pruneRefused = try container.decodeIfPresent(String.self, forKey: .pruneRefused)
        suspensions = try container.decodeIfPresent([String].self, forKey: .suspensions) ?? []
        resumptions = try container.decodeIfPresent([String].self, forKey: .resumptions) ?? []
    }
}
