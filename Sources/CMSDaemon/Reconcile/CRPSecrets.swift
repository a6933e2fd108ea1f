import CMSModel
import Foundation
import Logging

/// The CRP secret of every tenant, as its repository's `tenant.yaml` names it (`crpSecret`), for the CRP
/// listener's signature check (docs/crp.md §3). Updated by each tenant's controller when it adopts a revision;
/// read by the listener for each datagram, so it is a lock, not an actor.
///
/// Fail closed: a tenant that declares a secret `cmsd` cannot read (unset variable, unreadable file) gets a
/// random key nobody knows, so its announcements are refused (`bad-signature` / `signature-required`) until the
/// secret can be read — never accepted unauthenticated.
///
/// The reference comes from the tenant's repository, so it is confined to the tenant's ``SecretNamespace``
/// (`<data>/tenants/<code>/secrets/`, `CMS_<TENANT>_*`): a tenant cannot make `cmsd` use another tenant's secret.
public final class CRPSecrets: Sendable {
    private let secrets = LockedSecrets()
    /// The daemon's data folder, under which each tenant's secrets folder lives.
    private let dataFolder: String

    public init(dataFolder: String) { self.dataFolder = dataFolder }

    /// The secret of the tenant with this customer-id, nil when it has none.
    public func secret(for tenant: String) -> [UInt8]? { secrets.get(tenant) }

    /// Adopts the tenant's `crpSecret` reference; returns an error message when it cannot be read.
    @discardableResult
    public func update(tenant: String, reference: SecretRef?) -> String? {
        guard let reference else {
            secrets.set(tenant, nil)
            return nil
        }
        do {
            let value = try SecretReader.read(reference, field: "crpSecret", tenant: tenant, dataFolder: dataFolder)
            secrets.set(tenant, Array(value.utf8))
            return nil
        } catch {
            var unknowable = [UInt8](repeating: 0, count: 32)
            for index in unknowable.indices { unknowable[index] = UInt8.random(in: 0...255) }
            secrets.set(tenant, unknowable)
            return "\(error)"
        }
    }
}

/// A dictionary behind a lock.
private final class LockedSecrets: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: [UInt8]] = [:]

    func get(_ key: String) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        return values[key]
    }

    func set(_ key: String, _ value: [UInt8]?) {
        lock.lock()
        defer { lock.unlock() }
        values[key] = value
    }
}
