import CMSModel
import ConfigArchive
import Foundation
import TenantKeys
import TenantSource
import Yams

/// Reads `cmsd.yaml` node by node so that every error names its line and field. Unknown keys are errors (a
/// misspelt key would otherwise silently fall back to a default).
struct ConfigurationParser {
    let file: String
    let base: String

    func parse(_ text: String) throws(ConfigurationError) -> DaemonConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(file: file, line: Self.line(of: error), field: "", message: "not valid YAML: \(error)")
        } catch {
            throw ConfigurationError(file: file, line: nil, field: "", message: "not valid YAML: \(error)")
        }
        guard let root else {
            throw ConfigurationError(file: file, line: nil, field: "", message: "the file is empty; declare `tenants:`")
        }
        let top = try mapping(root, "", allowed: ["dataFolder", "listen", "limits", "timing", "apiTokens", "tenants", "diagnostics"])
        var configuration = DaemonConfiguration(dataFolder: DaemonConfiguration.absolute("data", base: base), tenants: [])
        if let node = top["dataFolder"] {
            configuration.dataFolder = DaemonConfiguration.absolute(try string(node, "dataFolder"), base: base)
        }
        if let node = top["listen"] {
            let listen = try mapping(node, "listen", allowed: ["crp", "api", "firmware"])
            if let crp = listen["crp"] { configuration.crpListen = try hostPort(crp, "listen.crp") }
            if let api = listen["api"] { configuration.apiListen = try hostPort(api, "listen.api") }
            if let firmware = listen["firmware"] {
                configuration.firmwareListen = try hostPort(firmware, "listen.firmware")
            }
        }
        if let node = top["limits"] {
            let limits = try mapping(node, "limits", allowed: ["maxDevices", "concurrency", "apiConnections", "input"])
            if let value = limits["input"] { configuration.limits.input = try inputLimits(value, "limits.input") }
            if let value = limits["maxDevices"] {
                configuration.limits.maxDevices = try integer(value, "limits.maxDevices", range: 1...1_000_000)
            }
            if let value = limits["concurrency"] {
                configuration.limits.concurrency = try integer(value, "limits.concurrency", range: 1...100_000)
            }
            if let value = limits["apiConnections"] {
                configuration.limits.apiConnections = try integer(value, "limits.apiConnections", range: 1...100_000)
            }
        }
        if let node = top["timing"] {
            let timing = try mapping(
                node, "timing",
                allowed: [
                    "retryBase", "retryCap", "confirmTimeout", "connectTimeout", "rpcTimeout", "apiHeaderTimeout",
                    "apiIdleTimeout", "requestWait",
                ])
            if let value = timing["retryBase"] { configuration.timing.retryBase = try duration(value, "timing.retryBase") }
            if let value = timing["retryCap"] { configuration.timing.retryCap = try duration(value, "timing.retryCap") }
            if let value = timing["confirmTimeout"] {
                configuration.timing.confirmTimeout = try duration(value, "timing.confirmTimeout")
                if configuration.timing.confirmTimeout < .seconds(1) {
                    throw error(value, "timing.confirmTimeout", "must be at least 1s (the device counts whole seconds)")
                }
            }
            if let value = timing["connectTimeout"] {
                configuration.timing.connectTimeout = try duration(value, "timing.connectTimeout")
            }
            if let value = timing["rpcTimeout"] { configuration.timing.rpcTimeout = try duration(value, "timing.rpcTimeout") }
            if let value = timing["apiHeaderTimeout"] {
                configuration.timing.apiHeaderTimeout = try duration(value, "timing.apiHeaderTimeout")
            }
            if let value = timing["apiIdleTimeout"] {
                configuration.timing.apiIdleTimeout = try duration(value, "timing.apiIdleTimeout")
            }
            if let value = timing["requestWait"] {
                configuration.timing.requestWait = try duration(value, "timing.requestWait")
                if configuration.timing.requestWait < .seconds(1) {
                    throw error(value, "timing.requestWait", "must be at least 1s")
                }
            }
        }
        if let node = top["diagnostics"] {
            let map = try mapping(
                node, "diagnostics",
                allowed: ["maxConcurrent", "maxWaiting", "timeout", "maxOutputBytes", "chunkBytes", "syslogKeep"])
            var settings = configuration.diagnostics
            if let value = map["maxConcurrent"] {
                settings.maxConcurrent = try integer(value, "diagnostics.maxConcurrent", range: 1...10_000)
            }
            if let value = map["maxWaiting"] {
                settings.maxWaiting = try integer(value, "diagnostics.maxWaiting", range: 0...100_000)
            }
            if let value = map["timeout"] { settings.timeout = try duration(value, "diagnostics.timeout") }
            if let value = map["maxOutputBytes"] {
                settings.maxOutputBytes = try integer(value, "diagnostics.maxOutputBytes", range: 1024...(1 << 30))
            }
            if let value = map["chunkBytes"] {
                settings.chunkBytes = try integer(value, "diagnostics.chunkBytes", range: 512...(16 << 20))
            }
            if let value = map["syslogKeep"] {
                settings.syslogKeep = try integer(value, "diagnostics.syslogKeep", range: 1...1000)
            }
            configuration.diagnostics = settings
        }
        if let node = top["apiTokens"] { configuration.apiTokens = try tokens(node, "apiTokens") }
        guard let tenantsNode = top["tenants"] else {
            throw ConfigurationError(
                file: file, line: root.mark?.line, field: "tenants", message: "missing: declare at least one tenant")
        }
        guard case .sequence(let list) = tenantsNode, !list.isEmpty else {
            throw error(tenantsNode, "tenants", "must be a non-empty list of tenants")
        }
        var seen: Set<String> = []
        for (index, node) in list.enumerated() {
            let tenant = try self.tenant(node, "tenants[\(index)]")
            guard seen.insert(tenant.code).inserted else {
                throw error(node, "tenants[\(index)].code", "tenant \(tenant.code) is declared twice")
            }
            configuration.tenants.append(tenant)
        }
        return configuration
    }

    private func tenant(_ node: Node, _ field: String) throws(ConfigurationError) -> TenantConfiguration {
        let map = try mapping(
            node, field,
            allowed: [
                "code", "repo", "pollInterval", "keyType", "username", "driftInterval", "pruneMaxFraction",
                "apiTokens", "ipsecSecret", "archive", "backup", "webhook",
            ])
        guard let codeNode = map["code"] else { throw error(node, field + ".code", "missing: the tenant code") }
        let code = try string(codeNode, field + ".code")
        guard code.utf8.count <= 32, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            throw error(codeNode, field + ".code", "\(code) is not a tenant code (letters, digits, - and _, ≤32)")
        }
        guard let repoNode = map["repo"] else {
            throw error(node, field + ".repo", "missing: the tenant's git repository (URL or local path)")
        }
        var tenant = TenantConfiguration(code: code, repository: try repository(repoNode, field + ".repo"))
        tenant.gitAccess = try gitAccess(repoNode, field + ".repo", url: tenant.repository.url)
        if let value = map["webhook"] { tenant.webhook = try webhook(value, field + ".webhook") }
        if let value = map["pollInterval"] { tenant.pollInterval = try duration(value, field + ".pollInterval") }
        if let value = map["driftInterval"] { tenant.driftInterval = try duration(value, field + ".driftInterval") }
        if let value = map["keyType"] {
            let text = try string(value, field + ".keyType")
            guard let type = TenantKeyType(rawValue: text) else {
                throw error(
                    value, field + ".keyType",
                    "\(text) is not a key type; use one of \(TenantKeyType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            tenant.keyType = type
        }
        if let value = map["username"] { tenant.username = try string(value, field + ".username") }
        if let value = map["pruneMaxFraction"] {
            let text = try string(value, field + ".pruneMaxFraction")
            guard let fraction = Double(text), fraction >= 0, fraction <= 1 else {
                throw error(value, field + ".pruneMaxFraction", "\(text) is not a fraction between 0 and 1")
            }
            tenant.pruneMaxFraction = fraction
        }
        if let value = map["apiTokens"] { tenant.apiTokens = try tokens(value, field + ".apiTokens") }
        if let value = map["ipsecSecret"] { tenant.ipsecSecret = try secret(value, field + ".ipsecSecret") }
        if let value = map["archive"] { tenant.archive = try archive(value, field + ".archive") }
        if let value = map["backup"] { tenant.backup = try backup(value, field + ".backup") }
        return tenant
    }

    /// `archive: {url, branch, username, credentials | privateKey [+ passphrase], hostKey}` — where the config
    /// archive is pushed (docs/config-archive.md).
    private func archive(_ node: Node, _ field: String) throws(ConfigurationError) -> ArchiveRemote {
        let map = try mapping(
            node, field, allowed: ["url", "branch", "username", "credentials", "privateKey", "passphrase", "hostKey"])
        guard let url = map["url"] else { throw error(node, field + ".url", "missing: the git URL or path to push to") }
        var remote = ArchiveRemote(url: location(try string(url, field + ".url")))
        if let branch = map["branch"] { remote.branch = try string(branch, field + ".branch") }
        if let username = map["username"] { remote.username = try string(username, field + ".username") }
        if let credentials = map["credentials"] { remote.credentials = try secret(credentials, field + ".credentials") }
        if let key = map["privateKey"] { remote.privateKey = try secret(key, field + ".privateKey") }
        if let phrase = map["passphrase"] { remote.passphrase = try secret(phrase, field + ".passphrase") }
        if let pin = map["hostKey"] {
            let text = try string(pin, field + ".hostKey")
            guard text.hasPrefix("SHA256:"), text.count >= 40 else {
                throw error(pin, field + ".hostKey", "give the server's key as SHA256:… (ssh-keygen -l -E sha256)")
            }
            remote.hostKey = text
        }
        guard remote.credentials == nil || remote.privateKey == nil else {
            throw error(node, field, "give one of credentials (a password or token) or privateKey (SSH), not both")
        }
        if ArchivePushTarget(url: remote.url).isSSH, remote.hostKey == nil {
            throw error(
                node, field + ".hostKey",
                "pin the SSH server of \(remote.url): hostKey: SHA256:… (ssh-keygen -l -E sha256 -f its host key)")
        }
        return remote
    }

    /// `backup: {key, folder, ssh: {password | privateKey [+ passphrase], hostKey | knownHosts}}` (docs/backup.md).
    private func backup(_ node: Node, _ field: String) throws(ConfigurationError) -> BackupConfiguration {
        let map = try mapping(node, field, allowed: ["key", "folder", "ssh"])
        var backup = BackupConfiguration()
        if let value = map["key"] { backup.key = try secret(value, field + ".key") }
        if let value = map["folder"] {
            backup.folder = DaemonConfiguration.absolute(try string(value, field + ".folder"), base: base)
        }
        if let value = map["ssh"] {
            let ssh = try mapping(value, field + ".ssh", allowed: ["password", "privateKey", "passphrase", "hostKey", "knownHosts"])
            var settings = BackupSSHConfiguration()
            if let node = ssh["password"] { settings.password = try secret(node, field + ".ssh.password") }
            if let node = ssh["privateKey"] { settings.privateKey = try secret(node, field + ".ssh.privateKey") }
            if let node = ssh["passphrase"] { settings.passphrase = try secret(node, field + ".ssh.passphrase") }
            if let node = ssh["hostKey"] {
                let text = try string(node, field + ".ssh.hostKey")
                guard text.hasPrefix("SHA256:"), text.count >= 40 else {
                    throw error(node, field + ".ssh.hostKey", "give the server's key as SHA256:… (ssh-keygen -l -E sha256)")
                }
                settings.hostKey = text
            }
            if let node = ssh["knownHosts"] {
                settings.knownHosts = DaemonConfiguration.absolute(try string(node, field + ".ssh.knownHosts"), base: base)
            }
            guard (settings.password == nil) != (settings.privateKey == nil) else {
                throw error(value, field + ".ssh", "give exactly one of password or privateKey (secret references)")
            }
            guard (settings.hostKey == nil) != (settings.knownHosts == nil) else {
                throw error(value, field + ".ssh", "pin the server: give exactly one of hostKey (SHA256:…) or knownHosts (a file)")
            }
            backup.ssh = settings
        }
        return backup
    }

    private func repository(_ node: Node, _ field: String) throws(ConfigurationError) -> TenantRepository {
        if case .scalar = node { return TenantRepository(url: location(try string(node, field))) }
        let map = try mapping(node, field, allowed: ["url", "branch", "path", "ssh", "https"])
        guard let urlNode = map["url"] else { throw error(node, field + ".url", "missing: a git URL or local path") }
        var repository = TenantRepository(url: location(try string(urlNode, field + ".url")))
        if let branch = map["branch"] { repository.branch = try string(branch, field + ".branch") }
        if let path = map["path"] {
            let sub = try string(path, field + ".path")
            guard !sub.hasPrefix("/"), !sub.split(separator: "/").contains("..") else {
                throw error(path, field + ".path", "\(sub) must be a relative folder inside the repository")
            }
            repository.subfolder = sub
        }
        return repository
    }

    /// A URL stays as is; a local path is made absolute.
    private func location(_ text: String) -> String {
        text.contains("://") || text.contains("@") ? text : DaemonConfiguration.absolute(text, base: base)
    }

    private func tokens(_ node: Node, _ field: String) throws(ConfigurationError) -> [APITokenConfiguration] {
        guard case .sequence(let list) = node else { throw error(node, field, "must be a list of {name, secret}") }
        var result: [APITokenConfiguration] = []
        for (index, item) in list.enumerated() {
            let path = "\(field)[\(index)]"
            let map = try mapping(item, path, allowed: ["name", "secret", "readOnly"])
            guard let name = map["name"] else { throw error(item, path + ".name", "missing: the token's name") }
            guard let secretNode = map["secret"] else {
                throw error(item, path + ".secret", "missing: where the token is ({env: NAME} or {file: PATH})")
            }
            var readOnly = false
            if let node = map["readOnly"] {
                switch try string(node, path + ".readOnly") {
                case "true": readOnly = true
                case "false": readOnly = false
                case let other: throw error(node, path + ".readOnly", "\(other) is not true or false")
                }
            }
            result.append(
                APITokenConfiguration(
                    name: try string(name, path + ".name"), secret: try secret(secretNode, path + ".secret"),
                    readOnly: readOnly))
        }
        return result
    }

    func secret(_ node: Node, _ field: String) throws(ConfigurationError) -> SecretRef {
        if case .scalar = node {
            throw error(node, field, "give a secret reference, {env: NAME} or {file: PATH}, never the secret itself")
        }
        let map = try mapping(node, field, allowed: ["env", "file"])
        switch (map["env"], map["file"]) {
        case (let env?, nil): return .env(try string(env, field + ".env"))
        case (nil, let path?): return .file(DaemonConfiguration.absolute(try string(path, field + ".file"), base: base))
        default: throw error(node, field, "give exactly one of {env: NAME} or {file: PATH} (never the secret itself)")
        }
    }

    // MARK: - Scalars

    func mapping(_ node: Node, _ field: String, allowed: Set<String>) throws(ConfigurationError) -> [String: Node] {
        guard case .mapping(let mapping) = node else {
            throw error(node, field.isEmpty ? "(top level)" : field, "must be a mapping")
        }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else { throw error(keyNode, field, "keys must be plain words") }
            let path = field.isEmpty ? key.string : field + "." + key.string
            guard allowed.contains(key.string) else {
                throw error(keyNode, path, "unknown key; expected one of \(allowed.sorted().joined(separator: ", "))")
            }
            guard result[key.string] == nil else { throw error(keyNode, path, "given twice") }
            result[key.string] = value
        }
        return result
    }

    func string(_ node: Node, _ field: String) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            throw error(node, field, "must be a non-empty text value")
        }
        return scalar.string
    }

    func integer(_ node: Node, _ field: String, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        let text = try string(node, field)
        guard let value = Int(text), range.contains(value) else {
            throw error(node, field, "\(text) is not a whole number in \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    private func hostPort(_ node: Node, _ field: String) throws(ConfigurationError) -> HostPort {
        let text = try string(node, field)
        guard let value = HostPort(text) else {
            throw error(node, field, "\(text) is not host:port (e.g. 127.0.0.1:8610 or [::1]:8610)")
        }
        return value
    }

    /// `250ms`, `30s`, `5m`, `1h`, or a bare number of seconds; must be > 0.
    func duration(_ node: Node, _ field: String) throws(ConfigurationError) -> Duration {
        let text = try string(node, field)
        guard let value = Self.duration(text), value > .zero else {
            throw error(node, field, "\(text) is not a duration; write e.g. 500ms, 30s, 5m or 1h")
        }
        return value
    }

    static func duration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if suffix == "s", number.hasSuffix("m") { continue }
            guard let value = Double(number), value.isFinite, value >= 0, value < 1e9 else { return nil }
            return .milliseconds(Int64((value * factor * 1000).rounded()))
        }
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds < 1e9 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    func error(_ node: Node, _ field: String, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: node.mark?.line, field: field, message: message)
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }
}
