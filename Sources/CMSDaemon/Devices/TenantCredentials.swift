import Foundation
import NETCONFClient
import TenantKeys

/// The tenant's SSH key as the agents use it (SPEC §1: one key pair per tenant, made on first use).
public enum TenantCredentials {
    /// Loads (or creates) the tenant's key pair under `dataFolder` and returns the authentication
    /// for ``DeviceContext`` plus the OpenSSH public key line devices must authorize.
    /// Reads two small files: call it when a tenant starts, not per connection.
    public static func load(dataFolder: String, tenant: String) throws -> (
        authentication: SSHAuthentication, publicKeyLine: String
    ) {
        let pair = try TenantKeyStore(dataFolder: dataFolder).keyPair(for: tenant)
        let privateKey = try String(contentsOfFile: pair.privateKeyPath, encoding: .utf8)
        return (.publicKey(privateKey: privateKey), pair.publicKeyLine)
    }
}
