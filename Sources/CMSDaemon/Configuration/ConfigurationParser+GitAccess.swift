import CMSModel
import GitSource
import Yams

/// `repo.ssh`, `repo.https` and `webhook` of a tenant (docs/git-sources.md).
extension ConfigurationParser {
    /// The private-repository settings of a `repo:` mapping (nil for a plain `repo: URL` or none given). An SSH URL
    /// must pin its server's host key: libgit2 1.5 does not check it by itself.
    func gitAccess(_ node: Node, _ field: String, url: String) throws(ConfigurationError) -> GitAccessConfiguration? {
        let isSSH = GitRemoteURL.isSSH(url)
        if let userinfo = url.split(separator: "/").dropFirst(1).first, url.hasPrefix("http"), userinfo.contains(":"),
            userinfo.contains("@")
        {
            throw error(
                node, field + ".url",
                "the URL carries a password; put the token in repo.https.token (a secret reference) instead")
        }
        guard case .mapping = node else {
            if isSSH {
                throw error(node, field, "\(url) is an SSH URL: pin the server with repo.ssh.hostKey or repo.ssh.knownHosts")
            }
            return nil
        }
        let map = try mapping(node, field, allowed: ["url", "branch", "path", "ssh", "https"])
        var access = GitAccessConfiguration()
        if let value = map["ssh"] {
            guard isSSH else {
                throw error(value, field + ".ssh", "repo.url is not an SSH URL (ssh://… or user@host:path); remove ssh:")
            }
            let ssh = try mapping(
                value, field + ".ssh", allowed: ["username", "privateKey", "passphrase", "hostKey", "knownHosts"])
            var settings = GitAccessConfiguration.SSH()
            if let node = ssh["username"] { settings.username = try string(node, field + ".ssh.username") }
            if let node = ssh["privateKey"] { settings.privateKey = try secret(node, field + ".ssh.privateKey") }
            if let node = ssh["passphrase"] { settings.passphrase = try secret(node, field + ".ssh.passphrase") }
            if let node = ssh["hostKey"] {
                let pins: [Node]
                if case .sequence(let list) = node { pins = Array(list) } else { pins = [node] }
                for pin in pins {
                    let text = try string(pin, field + ".ssh.hostKey")
                    guard text.hasPrefix("SHA256:"), text.count >= 40 else {
                        throw error(
                            pin, field + ".ssh.hostKey",
                            "give the server's key as SHA256:… (ssh-keyscan HOST | ssh-keygen -lf -, checked out of band)")
                    }
                    settings.hostKeys.append(text)
                }
            }
            if let node = ssh["knownHosts"] {
                settings.knownHosts = DaemonConfiguration.absolute(try string(node, field + ".ssh.knownHosts"), base: base)
            }
            guard settings.hostKeys.isEmpty != (settings.knownHosts == nil) else {
                throw error(value, field + ".ssh", "pin the server: give exactly one of hostKey (SHA256:…) or knownHosts (a file)")
            }
            if settings.passphrase != nil, settings.privateKey == nil {
                throw error(value, field + ".ssh.passphrase", "only for repo.ssh.privateKey (the tenant's own key has none)")
            }
            access.ssh = settings
        } else if isSSH {
            throw error(node, field, "\(url) is an SSH URL: pin the server with repo.ssh.hostKey or repo.ssh.knownHosts")
        }
        if let value = map["https"] {
            guard url.hasPrefix("https://") else {
                throw error(
                    value, field + ".https",
                    "repo.url is not an https:// URL; a token over http:// would travel in clear")
            }
            let https = try mapping(value, field + ".https", allowed: ["username", "token", "caFile"])
            var settings = GitAccessConfiguration.HTTPS()
            if let node = https["username"] { settings.username = try string(node, field + ".https.username") }
            if let node = https["token"] { settings.token = try secret(node, field + ".https.token") }
            if let node = https["caFile"] {
                settings.caFile = DaemonConfiguration.absolute(try string(node, field + ".https.caFile"), base: base)
            }
            access.https = settings
        }
        return access.ssh == nil && access.https == nil ? nil : access
    }

    /// `webhook: {secret: {env|file}, maxBodyBytes}`.
    func webhook(_ node: Node, _ field: String) throws(ConfigurationError) -> WebhookConfiguration {
        let map = try mapping(node, field, allowed: ["secret", "maxBodyBytes"])
        guard let secretNode = map["secret"] else {
            throw error(node, field + ".secret", "missing: the webhook secret as {env: NAME} or {file: PATH}")
        }
        var webhook = WebhookConfiguration(secret: try secret(secretNode, field + ".secret"))
        if let value = map["maxBodyBytes"] {
            webhook.maxBodyBytes = try integer(value, field + ".maxBodyBytes", range: 1024...(25 << 20))
        }
        return webhook
    }
}
