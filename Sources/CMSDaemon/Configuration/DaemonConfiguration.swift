import CMSModel
import Foundation
import TenantKeys
import TenantSource
import Yams

/// Everything `cmsd` is told at start: `cmsd.yaml`, or the embedded default `cmsd --tenant-repo PATH`.
///
/// ```yaml
/// dataFolder: /var/lib/cms            # relative paths are relative to this file's folder
/// listen: {crp: "0.0.0.0:10625", api: "127.0.0.1:8610"}
/// limits: {maxDevices: 10000, concurrency: 256, apiConnections: 256,
///          input: {maxFileBytes: 8MiB, maxRevisionBytes: 128MiB, lintTimeout: 60s}}   # ConfigurationParser+InputLimits
/// timing: {retryBase: 2s, retryCap: 5m, confirmTimeout: 60s, connectTimeout: 15s, rpcTimeout: 60s,
///          apiHeaderTimeout: 10s, apiIdleTimeout: 60s}
/// apiTokens: [{name: admin, secret: {env: CMS_ADMIN_TOKEN}}]     # valid for every tenant
/// tenants:
///   - code: century
///     repo: {url: https://git.example.com/century.git, branch: main, path: cms}
///     pollInterval: 60s
///     keyType: ed25519                 # or rsa
///     username: cms
///     driftInterval: 5m
///     pruneMaxFraction: 0.25
///     apiTokens: [{name: ci, secret: {file: /etc/cms/century.token}}]
///     ipsecSecret: {env: CMS_IPSEC_CENTURY}
/// ```
public struct DaemonConfiguration: Sendable, Hashable {
    public static let defaultCRP = HostPort(host: "0.0.0.0", port: 10625)
    public static let defaultAPI = HostPort(host: "127.0.0.1", port: 8610)

    /// Where state, events, keys and repository mirrors live.
    public var dataFolder: String
    /// CRP UDP listen address.
    public var crpListen: HostPort
    /// HTTP API listen address.
    public var apiListen: HostPort
    /// Where devices download firmware images from (docs/firmware.md); nil = 127.0.0.1 on a free port.
    public var firmwareListen: HostPort?
    public var limits: DaemonLimits
    public var timing: DaemonTiming
    /// `diagnostics:` — `cms exec` and syslog collection (docs/diagnostics.md).
    public var diagnostics = DiagnosticsSettings()
    /// Tokens valid for every tenant.
    public var apiTokens: [APITokenConfiguration]
    public var tenants: [TenantConfiguration]

    public init(
        dataFolder: String, crpListen: HostPort = Self.defaultCRP, apiListen: HostPort = Self.defaultAPI,
        limits: DaemonLimits = DaemonLimits(), timing: DaemonTiming = DaemonTiming(),
        apiTokens: [APITokenConfiguration] = [], tenants: [TenantConfiguration]
    ) {
        self.dataFolder = dataFolder
        self.crpListen = crpListen
        self.apiListen = apiListen
        self.limits = limits
        self.timing = timing
        self.apiTokens = apiTokens
        self.tenants = tenants
    }

    /// Reads and checks a `cmsd.yaml` file.
    public static func load(file path: String) throws(ConfigurationError) -> DaemonConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(
                file: path, line: nil, field: "", message: "cannot read the configuration file (\(error))")
        }
        let folder = (path as NSString).deletingLastPathComponent
        return try parse(text, file: path, relativeTo: folder.isEmpty ? "." : folder)
    }

    /// Parses `cmsd.yaml` text; relative paths are resolved against `relativeTo`.
    public static func parse(_ text: String, file: String, relativeTo base: String) throws(ConfigurationError)
        -> DaemonConfiguration
    {
        try ConfigurationParser(file: file, base: base).parse(text)
    }

    /// The embedded default: one tenant served from `repository` (URL or path), its code read from the repo's
    /// `tenant.yaml` (local repositories only; give `code` for a remote URL), data under `dataFolder`.
    public static func embedded(
        tenantRepository repository: String, branch: String? = nil, code: String? = nil, dataFolder: String = "./data"
    ) throws(ConfigurationError) -> DaemonConfiguration {
        let isLocal = !repository.contains("://") && !repository.contains("@")
        let url = isLocal ? absolute(repository, base: FileManager.default.currentDirectoryPath) : repository
        let tenantCode: String
        if let code {
            tenantCode = code
        } else {
            guard isLocal else {
                throw ConfigurationError(
                    file: "command line", line: nil, field: "--tenant-repo",
                    message: "\(repository) is remote: write a cmsd.yaml that names the tenant code")
            }
            tenantCode = try readTenantCode(repository: url)
        }
        var repositoryURL = url
        var subfolder: String?
        if isLocal, let root = enclosingRepository(of: url) {
            repositoryURL = root
            subfolder = root == url ? nil : String(url.dropFirst(root.count + 1))
        }
        let resolvedBranch = branch ?? (isLocal ? currentBranch(repositoryURL) : "main")
        return DaemonConfiguration(
            dataFolder: absolute(dataFolder, base: FileManager.default.currentDirectoryPath),
            tenants: [
                TenantConfiguration(
                    code: tenantCode,
                    repository: TenantRepository(url: repositoryURL, branch: resolvedBranch, subfolder: subfolder))
            ])
    }

    /// The `code` of `<repository>/tenant.yaml` of a local repository.
    static func readTenantCode(repository: String) throws(ConfigurationError) -> String {
        let path = repository + "/tenant.yaml"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError(
                file: path, line: nil, field: "",
                message: "cannot read the tenant file; --tenant-repo must point at a tenant repository")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError(file: path, line: nil, field: "", message: "not YAML (\(error)); run cms-lint")
        }
        guard case .mapping(let mapping)? = node, let codeNode = mapping["code"], case .scalar(let scalar) = codeNode,
            !scalar.string.isEmpty
        else {
            throw ConfigurationError(file: path, line: node?.mark?.line, field: "code", message: "missing tenant code")
        }
        return scalar.string
    }

    /// The closest folder at or above `path` that holds a `.git` (folder or worktree file), or a bare repository.
    static func enclosingRepository(of path: String) -> String? {
        var folder = path
        while !folder.isEmpty, folder != "/" {
            if FileManager.default.fileExists(atPath: folder + "/.git") { return folder }
            if FileManager.default.fileExists(atPath: folder + "/HEAD"),
                FileManager.default.fileExists(atPath: folder + "/objects")
            {
                return folder
            }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return nil
    }

    /// The branch HEAD points at in a local repository (`ref: refs/heads/X`), else `main`.
    static func currentBranch(_ repository: String) -> String {
        var heads = [repository + "/.git/HEAD", repository + "/HEAD"]
        if let link = try? String(contentsOfFile: repository + "/.git", encoding: .utf8), link.hasPrefix("gitdir: ") {
            let gitdir = link.dropFirst("gitdir: ".count).trimmingCharacters(in: .whitespacesAndNewlines)
            heads.insert(absolute(gitdir, base: repository) + "/HEAD", at: 0)
        }
        for head in heads {
            if let text = try? String(contentsOfFile: head, encoding: .utf8) {
                let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if line.hasPrefix("ref: refs/heads/") { return String(line.dropFirst("ref: refs/heads/".count)) }
            }
        }
        return "main"
    }

    static func absolute(_ path: String, base: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        return ((base + "/" + path) as NSString).standardizingPath
    }
}
