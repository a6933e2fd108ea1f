import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How `cmsd` shares its open-file limit (`RLIMIT_NOFILE`) so that no one user of descriptors starves the others:
/// idle API connections once took every descriptor, then git fetches and NETCONF connects failed with "Too many open
/// files" and the process crashed.
///
/// A fixed reserve covers the stores (SQLite files and their WAL), the CRP socket, logs and git fetches (per tenant);
/// the API gets at most a quarter of the rest (and no more than `limits.apiConnections`); device sessions (one socket
/// each) get what remains, which caps `limits.maxDevices`. Devices beyond the share are refused with
/// `gitops.device-limit.exceeded`, API connections beyond it with `503`.
public struct FileDescriptorBudget: Sendable, Hashable {
    /// The soft open-file limit in force.
    public var limit: Int
    /// Descriptors kept for the stores, CRP, logs and git.
    public var reserved: Int
    /// API connections at most.
    public var api: Int
    /// Device sessions at most.
    public var devices: Int

    /// Descriptors reserved whatever the tenants: stores, CRP, logs, the event loops.
    public static let baseReserve = 64
    /// Descriptors reserved per tenant: a git fetch (pack files, index, lock files, its socket).
    public static let perTenantReserve = 16
    /// The least room the API and the devices must have together.
    public static let minimumSpare = 32

    /// The budget for `openFileLimit`; an error when the limit leaves too little room (it names what to raise).
    public static func plan(openFileLimit: Int, tenants: Int, apiConnections: Int) throws(ConfigurationError) -> Self {
        let reserved = baseReserve + perTenantReserve * max(tenants, 1)
        let spare = openFileLimit - reserved
        guard spare >= minimumSpare else {
            throw ConfigurationError(
                file: "RLIMIT_NOFILE", line: nil, field: "limits",
                message: "the open-file limit \(openFileLimit) leaves no room for API connections and device sessions "
                    + "beside the \(reserved) descriptors kept for the stores and git; raise it to at least "
                    + "\(reserved + 1024) (ulimit -n, or LimitNOFILE= in the systemd unit)")
        }
        let api = max(1, min(apiConnections, spare / 4))
        return FileDescriptorBudget(limit: openFileLimit, reserved: reserved, api: api, devices: spare - api)
    }

    /// Raises the soft open-file limit to the hard one (as servers do) and returns the soft limit then in force.
    public static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > rlim_t(Int32.max) ? Int(Int32.max) : Int(limit.rlim_cur)
    }

    /// The soft open-file limit in force (not raised).
    public static func currentOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return limit.rlim_cur > rlim_t(Int32.max) ? Int(Int32.max) : Int(limit.rlim_cur)
    }
}
