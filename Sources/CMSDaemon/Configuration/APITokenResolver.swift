import CMSModel
import Foundation

/// One resolved API bearer token: its value (never logged), its name and the tenants it may act on.
public struct ResolvedAPIToken: Sendable, Hashable {
    public var token: String
    public var name: String
    /// Empty = every tenant.
    public var tenants: Set<String>
    /// See ``APITokenConfiguration/readOnly``.
    public var readOnly: Bool

    public init(token: String, name: String, tenants: Set<String>, readOnly: Bool = false) {
        self.token = token
        self.name = name
        self.tenants = tenants
        self.readOnly = readOnly
    }
}

/// Reads the configured token secrets, and generates `<data>/tenants/<code>/api.token` (mode 0600) for a tenant
/// that declares none — printed nowhere, read by `cms --token-file`.
public enum APITokenResolver {
    public static func resolve(_ configuration: DaemonConfiguration) throws(ConfigurationError) -> [ResolvedAPIToken] {
        var result: [ResolvedAPIToken] = []
        for (index, token) in configuration.apiTokens.enumerated() {
            let value = try SecretReader.read(token.secret, field: "apiTokens[\(index)].secret")
            result.append(ResolvedAPIToken(token: value, name: token.name, tenants: [], readOnly: token.readOnly))
        }
        for (tenantIndex, tenant) in configuration.tenants.enumerated() {
            if tenant.apiTokens.isEmpty {
                let path = configuration.dataFolder + "/tenants/" + tenant.code + "/api.token"
                let value = try generatedToken(at: path)
                result.append(ResolvedAPIToken(token: value, name: tenant.code + "-api", tenants: [tenant.code]))
            }
            for (index, token) in tenant.apiTokens.enumerated() {
                let value = try SecretReader.read(
                    token.secret, field: "tenants[\(tenantIndex)].apiTokens[\(index)].secret")
                result.append(
                    ResolvedAPIToken(token: value, name: token.name, tenants: [tenant.code], readOnly: token.readOnly))
            }
        }
        return result
    }

    /// The token stored at `path`, created (32 random bytes, hex, mode 0600) when missing.
    static func generatedToken(at path: String) throws(ConfigurationError) -> String {
        if FileManager.default.fileExists(atPath: path) {
            return try SecretReader.read(.file(path), field: "api.token")
        }
        let folder = (path as NSString).deletingLastPathComponent
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        let token = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined()
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let temporary = path + ".tmp"
            guard
                FileManager.default.createFile(
                    atPath: temporary, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
            else {
                throw ConfigurationError(file: path, line: nil, field: "", message: "cannot create the API token file")
            }
            guard rename(temporary, path) == 0 else {
                throw ConfigurationError(file: path, line: nil, field: "", message: "cannot move the API token in place")
            }
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(file: path, line: nil, field: "", message: "cannot write the API token (\(error))")
        }
        return token
    }
}

/// Reads a ``SecretRef``: an environment variable or a file (first line, trimmed). Errors never show the value.
///
/// ``read(_:field:)`` serves `cmsd.yaml`, the operator's file, and reads any path or variable;
/// ``read(_:field:tenant:dataFolder:)`` serves references from a tenant's repository and confines them to the
/// tenant's ``SecretNamespace``.
public enum SecretReader {
    /// The most a secret file may hold; a secret is a line, and a reference must not make `cmsd` read a big file.
    static let maxFileBytes = 64 * 1024

    /// Reads a reference from `tenant`'s repository: `{file: name}` only inside `<data>/tenants/<code>/secrets/`
    /// (relative, no `..`, and no link whose target leaves the folder), `{env: NAME}` only as `CMS_<TENANT>_…`.
    /// Anything else is refused before anything is read.
    public static func read(_ secret: SecretRef, field: String, tenant: String, dataFolder: String)
        throws(ConfigurationError) -> String
    {
        let namespace = SecretNamespace(tenant: tenant)
        if let problem = namespace.problem(with: secret) {
            throw ConfigurationError(file: "tenant \(tenant)", line: nil, field: field, message: "refused: " + problem)
        }
        guard case .file(let name) = secret else { return try read(secret, field: field) }
        let folder = namespace.folder(dataFolder: dataFolder)
        let path = folder + "/" + name
        // Resolve links: the file must still be inside the tenant's folder once every link is followed.
        guard let realFolder = realPath(folder), let realFile = realPath(path) else {
            throw ConfigurationError(
                file: path, line: nil, field: field,
                message: "cannot read the secret file: it does not exist in the tenant's secrets folder")
        }
        guard realFile.hasPrefix(realFolder + "/") else {
            throw ConfigurationError(
                file: path, line: nil, field: field,
                message: "refused: the secret file is a link that leads out of the tenant's secrets folder \(folder)")
        }
        return try read(.file(realFile), field: field)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    public static func read(_ secret: SecretRef, field: String) throws(ConfigurationError) -> String {
        switch secret {
        case .env(let name):
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw ConfigurationError(
                    file: "environment", line: nil, field: field, message: "environment variable \(name) is not set")
            }
            return value
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path),
                let data = try? handle.read(upToCount: maxFileBytes + 1),
                data.count <= maxFileBytes,
                let text = String(data: data, encoding: .utf8)
            else {
                throw ConfigurationError(file: path, line: nil, field: field, message: "cannot read the secret file")
            }
            let value = text.split(whereSeparator: \.isNewline).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces) ?? ""
            guard !value.isEmpty else {
                throw ConfigurationError(file: path, line: nil, field: field, message: "the secret file is empty")
            }
            return value
        }
    }
}
