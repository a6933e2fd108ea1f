import Foundation

/// The server's device cap (`limits.maxDevices` of `cmsd.yaml`), shared by every tenant: each tenant
/// claims the number of devices its revision in force declares, and gets at most what the other
/// tenants leave. Devices beyond the grant are not managed (an event says which).
public final class DeviceBudget: @unchecked Sendable {
    public let limit: Int
    private let lock = NSLock()
    private var claims: [String: Int] = [:]

    public init(limit: Int) { self.limit = max(limit, 0) }

    /// Replaces the tenant's claim; returns how many of `count` devices it may manage.
    public func claim(tenant: String, count: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let others = claims.filter { $0.key != tenant }.values.reduce(0, +)
        let granted = min(count, max(limit - others, 0))
        claims[tenant] = granted
        return granted
    }
}
