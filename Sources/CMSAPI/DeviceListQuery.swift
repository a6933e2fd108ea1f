import CMSModel

/// Filter, search and paging of the device list (SPEC §3: search one field, exact or partial, ≤64
/// characters; page sizes all/512/256/128/64/32/16).
public struct DeviceListQuery: Sendable, Hashable, Codable {
    /// The searchable fields of SPEC §3.
    public enum Field: String, Sendable, Hashable, Codable, CaseIterable {
        case code, product, name, serial, hostname, controlAddress = "control-ip", note
    }

    public static let pageSizes = [512, 256, 128, 64, 32, 16]
    public static let maximumSearchLength = 64

    public var states: Set<DeviceState>
    public var sync: SyncStatus?
    public var field: Field?
    public var value: String?
    /// Exact match when true, substring (case-insensitive) when false.
    public var exact: Bool
    /// nil = all.
    public var pageSize: Int?
    /// 1-based.
    public var page: Int

    public init(
        states: Set<DeviceState> = [], sync: SyncStatus? = nil, field: Field? = nil, value: String? = nil,
        exact: Bool = false, pageSize: Int? = nil, page: Int = 1
    ) {
        self.states = states
        self.sync = sync
        self.field = field
        self.value = value
        self.exact = exact
        self.pageSize = pageSize
        self.page = page
    }
}

/// One page of devices plus the counters over the whole tenant.
public struct DevicePage: Sendable, Hashable, Codable {
    public var devices: [DeviceSummary]
    /// Devices matching the query (all pages).
    public var total: Int
    public var page: Int
    public var pageSize: Int?
    public var counts: DeviceStateCounts

    public init(devices: [DeviceSummary], total: Int, page: Int, pageSize: Int?, counts: DeviceStateCounts) {
        self.devices = devices
        self.total = total
        self.page = page
        self.pageSize = pageSize
        self.counts = counts
    }
}
