/// The decision of a host-key policy.
public enum HostKeyDecision: Sendable, Equatable {
    case accept
    /// Refuse the server; the reason ends up in the `hostKeyRejected` error.
    case reject(reason: String)
}

/// Decides whether the server's host key is trusted. Verification is mandatory: every connection
/// runs its policy after the key exchange and before authentication; a rejection closes the
/// connection before any credential or RPC is sent.
///
/// The closure runs on a Swift concurrency task, never on the event-loop thread, so it may await
/// a store (database, file) without stalling other sessions.
public struct HostKeyPolicy: Sendable {
    public let verify: @Sendable (SSHHostKey) async -> HostKeyDecision

    public init(_ verify: @escaping @Sendable (SSHHostKey) async -> HostKeyDecision) {
        self.verify = verify
    }

    /// Accept only keys whose SHA-256 fingerprint is one of `fingerprints` (`SHA256:…`, as printed by
    /// `ssh-keygen -lf`).
    public static func pinned(_ fingerprints: String...) -> HostKeyPolicy {
        pinned(fingerprints)
    }

    /// Accept only keys whose SHA-256 fingerprint is one of `fingerprints`.
    public static func pinned(_ fingerprints: [String]) -> HostKeyPolicy {
        let allowed = Set(fingerprints.map(SSHHostKey.normalizedFingerprint))
        return HostKeyPolicy { key in
            allowed.contains(key.fingerprint)
                ? .accept
                : .reject(
                    reason: "the server presented \(key.fingerprint) but "
                        + "\(allowed.sorted().joined(separator: ", ")) is pinned")
        }
    }

    /// Trust-on-first-use: the first key seen for `host:port` is remembered in `store`; afterwards
    /// only that key is accepted. A changed key is rejected (it needs an operator to clear the pin).
    public static func trustOnFirstUse(_ store: some HostKeyStore) -> HostKeyPolicy {
        HostKeyPolicy { key in
            if let known = await store.fingerprint(host: key.host, port: key.port) {
                return SSHHostKey.normalizedFingerprint(known) == key.fingerprint
                    ? .accept
                    : .reject(
                        reason: "host key changed: \(known) was pinned on first use, the server now "
                            + "presents \(key.fingerprint); clear the pin only if the change is expected")
            }
            await store.remember(key)
            return .accept
        }
    }
}

/// Where trust-on-first-use keeps the fingerprints it has seen.
public protocol HostKeyStore: Sendable {
    func fingerprint(host: String, port: Int) async -> String?
    func remember(_ key: SSHHostKey) async
}

/// A `HostKeyStore` in memory (tests, one-shot tools).
public actor InMemoryHostKeyStore: HostKeyStore {
    private var keys: [String: String]

    public init(_ keys: [String: String] = [:]) {
        self.keys = keys
    }

    public func fingerprint(host: String, port: Int) -> String? {
        keys[NETCONFClientError.endpoint(host, port)]
    }

    public func remember(_ key: SSHHostKey) {
        keys[NETCONFClientError.endpoint(key.host, key.port)] = key.fingerprint
    }

    /// Everything remembered, keyed by `host:port` (`[v6]:port`).
    public var all: [String: String] { keys }
}
