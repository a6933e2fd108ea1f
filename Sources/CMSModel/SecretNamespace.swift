/// Where a tenant's repository may point its secret references (``SecretRef``): only at the tenant's own secrets.
///
/// A tenant repository is written by the tenant, not by the server's operator; if it could name any file or
/// variable of `cmsd`, one tenant could make `cmsd` use (and, through CRP signature checks, probe) another
/// tenant's token or the server's own keys. So a repository's references are confined:
/// - `{file: name}`: a relative path inside the tenant's secrets folder `<data>/tenants/<code>/secrets/`, without
///   `..` or hidden components; `cmsd` also refuses a link that leads out of that folder.
/// - `{env: NAME}`: a variable whose name starts with `CMS_<TENANT>_`, the tenant code in capitals with `-` as `_`.
///
/// `cmsd.yaml`, the operator's file, is not confined. Pure: the folder is resolved by the caller.
public struct SecretNamespace: Sendable, Equatable {
    /// The tenant code.
    public let tenant: String

    public init(tenant: String) { self.tenant = tenant }

    /// The prefix every environment variable of the tenant's references carries, e.g. `CMS_CENTURY_`.
    public var environmentPrefix: String {
        let upper = tenant.uppercased().map { $0 == "-" ? "_" : $0 }
        return "CMS_" + String(upper) + "_"
    }

    /// The folder of the tenant's secret files under the data folder.
    public func folder(dataFolder: String) -> String {
        let base = dataFolder.hasSuffix("/") ? String(dataFolder.dropLast()) : dataFolder
        return base + "/tenants/" + tenant + "/secrets"
    }

    /// Why `reference` is outside the namespace, as a sentence naming what to write instead; nil when inside.
    public func problem(with reference: SecretRef) -> String? {
        switch reference {
        case .env(let name):
            let prefix = environmentPrefix
            guard name.hasPrefix(prefix), name.count > prefix.count else {
                return "environment variable `\(name)` is not the tenant's: a tenant's variables start with "
                    + "`\(prefix)` (e.g. \(prefix)CRP_SECRET)"
            }
            return nil
        case .file(let path):
            guard Self.isRelativeName(path) else {
                return "secret file `\(path)` is not in the tenant's secrets folder: write a relative name "
                    + "(e.g. crp-secret) of a file in <data>/tenants/\(tenant)/secrets/, without `..`"
            }
            return nil
        }
    }

    /// A relative path of plain components (`name`, `smtp/password`): no leading `/`, no `.`/`..`, no hidden or
    /// empty component, no control characters.
    public static func isRelativeName(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), path.utf8.count <= 255 else { return false }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.allSatisfy { part in
            !part.isEmpty && !part.hasPrefix(".")
                && part.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && $0 != "\\" }
        }
    }
}
