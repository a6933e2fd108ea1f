/// Every limit of SPEC as a default that a server operator may raise (SPEC preamble).
///
/// Nothing in the logic hard-codes these numbers; `cms-lint` and `cmsd` read them from here.
public struct Limits: Sendable, Equatable, Hashable, Codable {
    /// Devices per tenant (a server setting; the original allowed 2048 per server).
    public var devicesPerTenant: Int
    /// Groups per tenant (SPEC §6).
    public var groupsPerTenant: Int
    /// Monitor groups per tenant (SPEC §6).
    public var monitorGroupsPerTenant: Int
    /// Schedules per tenant (SPEC §8).
    public var schedulesPerTenant: Int
    /// Config files per device (SPEC §4).
    public var configFilesPerDevice: Int
    /// Firmware images per product (SPEC §5).
    public var imagesPerProduct: Int
    /// SMTP servers per tenant (SPEC §10).
    public var smtpServers: Int
    /// Address book entries (SPEC §10).
    public var addressBookEntries: Int
    /// Monitor-group mail recipients (SPEC §6, §10).
    public var monitorRecipients: Int
    /// Devices updated at once by a firmware batch (SPEC §5); upper bound of `rollout.maxConcurrent`.
    public var firmwareBatch: Int

    /// The original product's limits, with devices per tenant raised far past its 2048 per server.
    public init(
        devicesPerTenant: Int = 50_000, groupsPerTenant: Int = 128, monitorGroupsPerTenant: Int = 1,
        schedulesPerTenant: Int = 30, configFilesPerDevice: Int = 3, imagesPerProduct: Int = 3,
        smtpServers: Int = 3, addressBookEntries: Int = 16, monitorRecipients: Int = 3, firmwareBatch: Int = 40
    ) {
        self.devicesPerTenant = devicesPerTenant
        self.groupsPerTenant = groupsPerTenant
        self.monitorGroupsPerTenant = monitorGroupsPerTenant
        self.schedulesPerTenant = schedulesPerTenant
        self.configFilesPerDevice = configFilesPerDevice
        self.imagesPerProduct = imagesPerProduct
        self.smtpServers = smtpServers
        self.addressBookEntries = addressBookEntries
        self.monitorRecipients = monitorRecipients
        self.firmwareBatch = firmwareBatch
    }

    /// The defaults of SPEC.
    public static let `default` = Limits()
}
