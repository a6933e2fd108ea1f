import CMSModel
import Crypto
import Foundation
import Synchronization

/// One logged-in browser.
struct DashboardSession: Sendable, Hashable {
    var id: String
    /// The anti-CSRF token, sent back in every form of an action.
    var csrf: String
    var user: DashboardUser
    /// The tenant being looked at (a tenant token: its tenant; an all-tenant token: chosen by the switch).
    var tenant: String
    var lastUsed: Timestamp
}

/// The sessions of the dashboard, in memory (a restart of `cmsd` logs everyone out). Ids and CSRF tokens are
/// 256 random bits each.
final class DashboardSessions: Sendable {
    private let table = Mutex<[String: DashboardSession]>([:])
    let idleTimeout: Duration

    init(idleTimeout: Duration) { self.idleTimeout = idleTimeout }

    static func randomToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
    }

    func create(user: DashboardUser, tenant: String, now: Timestamp) -> DashboardSession {
        let session = DashboardSession(
            id: Self.randomToken(), csrf: Self.randomToken(), user: user, tenant: tenant, lastUsed: now)
        table.withLock { $0[session.id] = session }
        return session
    }

    enum Lookup: Sendable {
        case active(DashboardSession)
        /// It existed but was idle too long; it is removed now.
        case expired(DashboardSession)
        case unknown
    }

    /// The session of a cookie value, touched (its idle time restarts).
    func lookup(_ id: String?, now: Timestamp) -> Lookup {
        guard let id, !id.isEmpty else { return .unknown }
        return table.withLock { table in
            guard var session = table[id] else { return .unknown }
            if now - session.lastUsed > idleTimeout {
                table[id] = nil
                return .expired(session)
            }
            session.lastUsed = now
            table[id] = session
            return .active(session)
        }
    }

    func setTenant(_ id: String, _ tenant: String) {
        table.withLock { $0[id]?.tenant = tenant }
    }

    @discardableResult
    func remove(_ id: String) -> DashboardSession? {
        table.withLock { $0.removeValue(forKey: id) }
    }

    /// Compares a presented CSRF token with the session's without an early exit.
    static func csrfMatches(_ session: DashboardSession, _ presented: String?) -> Bool {
        guard let presented else { return false }
        let lhs = Array(session.csrf.utf8)
        let rhs = Array(presented.utf8)
        var difference: UInt8 = lhs.count == rhs.count ? 0 : 1
        for index in 0..<max(lhs.count, rhs.count) {
            difference |= (index < lhs.count ? lhs[index] : 0) ^ (index < rhs.count ? rhs[index] : 0)
        }
        return difference == 0
    }
}
