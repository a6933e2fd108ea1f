import CMSModel
import Foundation
import GitSource
import TenantKeys

extension Daemon {
    /// The resolver a tenant's repository source calls before each fetch (nil: anonymous access).
    static func gitAccess(_ tenant: TenantConfiguration, dataFolder: String) -> (@Sendable () throws -> GitRemoteAccess?)? {
        guard let access = tenant.gitAccess else { return nil }
        let field = "tenants.\(tenant.code).repo"
        return { [code = tenant.code, keyType = tenant.keyType] in
            try access.resolve(tenant: code, keyType: keyType, dataFolder: dataFolder, field: field)
        }
    }
}

/// How `cmsd` reaches a tenant's private repository (`repo.ssh` / `repo.https` of the tenant in `cmsd.yaml`,
/// docs/git-sources.md): secret references only, resolved (``resolve(tenant:keyType:dataFolder:)``) before each
/// fetch so a rotated token or key is picked up without a restart.
///
/// ```yaml
/// repo:
///   url: ssh://git@git.example.com/ops/century.git
///   ssh:
///     hostKey: SHA256:…                 # or knownHosts: /etc/cms/known_hosts (one of them is required)
///     # privateKey: {file: /etc/cms/century-deploy}   # default: the tenant's own key (cms tenant pubkey)
///     # passphrase: {env: CMS_CENTURY_DEPLOY_PASSPHRASE}
/// ```
/// ```yaml
/// repo:
///   url: https://git.example.com/ops/century.git
///   https:
///     username: x-access-token          # GitHub: any; GitLab: oauth2; Gitea: the account
///     token: {env: CMS_CENTURY_GIT_TOKEN}
///     # caFile: /etc/cms/git-ca.pem     # a private CA, in addition to the system's
/// ```
public struct GitAccessConfiguration: Sendable, Hashable {
    public struct SSH: Sendable, Hashable {
        /// The login when the URL names none; default `git`.
        public var username: String?
        /// A deploy key; nil = the tenant's own key pair (what `cms tenant pubkey` prints).
        public var privateKey: SecretRef?
        public var passphrase: SecretRef?
        /// Accepted host keys as `SHA256:…` fingerprints.
        public var hostKeys: [String] = []
        /// Or an OpenSSH known_hosts file.
        public var knownHosts: String?

        public init() {}
    }

    public struct HTTPS: Sendable, Hashable {
        public var username: String = "git"
        public var token: SecretRef?
        public var caFile: String?

        public init() {}
    }

    public var ssh: SSH?
    public var https: HTTPS?

    public init(ssh: SSH? = nil, https: HTTPS? = nil) {
        self.ssh = ssh
        self.https = https
    }

    /// Reads the secrets. `field` names the tenant's entry for errors (`tenants.century.repo`); an error names the
    /// reference, never its value.
    public func resolve(tenant: String, keyType: TenantKeyType, dataFolder: String, field: String) throws
        -> GitRemoteAccess
    {
        var access = GitRemoteAccess()
        if let ssh {
            let privateKey: String
            let publicKey: String?
            if let reference = ssh.privateKey {
                privateKey = try Self.readKey(reference, field: field + ".ssh.privateKey")
                publicKey = nil
            } else {
                let pair = try TenantKeyStore(dataFolder: dataFolder).keyPair(for: tenant, type: keyType)
                privateKey = try String(contentsOfFile: pair.privateKeyPath, encoding: .utf8)
                publicKey = pair.publicKeyLine
            }
            let passphrase = try ssh.passphrase.map { try SecretReader.read($0, field: field + ".ssh.passphrase") }
            let pin: GitRemoteAccess.HostKeyPin =
                ssh.knownHosts.map { .knownHosts($0) } ?? .fingerprints(ssh.hostKeys)
            access.ssh = .init(
                username: ssh.username, privateKey: privateKey, publicKey: publicKey, passphrase: passphrase,
                hostKeys: pin)
        }
        if let https {
            if let token = https.token {
                access.https = .init(username: https.username, token: try SecretReader.read(token, field: field + ".https.token"))
            }
            access.caFile = https.caFile
        }
        return access
    }

    /// A whole key file (or variable): a private key is several lines, unlike the one-line secrets of
    /// ``SecretReader``. At most 64 KiB; the value never appears in an error.
    static func readKey(_ reference: SecretRef, field: String) throws(ConfigurationError) -> String {
        let text: String
        switch reference {
        case .env(let name):
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw ConfigurationError(
                    file: "environment", line: nil, field: field, message: "environment variable \(name) is not set")
            }
            text = value
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path),
                let data = try? handle.read(upToCount: 64 * 1024 + 1), data.count <= 64 * 1024,
                let value = String(data: data, encoding: .utf8)
            else {
                throw ConfigurationError(
                    file: path, line: nil, field: field, message: "cannot read the private key file (at most 64 KiB)")
            }
            text = value
        }
        guard text.contains("PRIVATE KEY-----") else {
            throw ConfigurationError(
                file: "", line: nil, field: field,
                message: "not a private key (expected an OpenSSH or PEM block, e.g. from ssh-keygen -t ed25519)")
        }
        return text
    }
}
