/// The NETCONF capabilities that decide how an apply run writes (RFC 6241 §8), read from the
/// device's `<hello>`.
public struct ApplyCapabilities: Sendable, Hashable, Codable {
    /// `:candidate` — edits go to a scratch datastore and become active only on `<commit>`.
    public var candidate: Bool
    /// `:confirmed-commit` (1.0 or 1.1) — a commit that reverts by itself unless confirmed.
    public var confirmedCommit: Bool
    /// `:rollback-on-error` — a failed `<edit-config>` leaves the target as it was.
    public var rollbackOnError: Bool
    /// `:validate` (1.0 or 1.1) — the candidate can be checked before the commit.
    public var validate: Bool

    public init(candidate: Bool, confirmedCommit: Bool, rollbackOnError: Bool, validate: Bool) {
        self.candidate = candidate
        self.confirmedCommit = confirmedCommit
        self.rollbackOnError = rollbackOnError
        self.validate = validate
    }

    /// The capabilities announced by these `<capability>` URIs. Query parameters (`?module=…`) and
    /// surrounding white space are ignored; unknown URIs are ignored.
    public init(capabilityURIs: [String]) {
        var names = Set<String>()
        for uri in capabilityURIs {
            var text = Substring(uri.trimmingWhitespace())
            if let query = text.firstIndex(of: "?") { text = text[..<query] }
            names.insert(String(text))
        }
        let base = "urn:ietf:params:netconf:capability:"
        func has(_ name: String, versions: [String]) -> Bool {
            versions.contains { names.contains(base + name + ":" + $0) }
        }
        candidate = has("candidate", versions: ["1.0"])
        confirmedCommit = has("confirmed-commit", versions: ["1.1", "1.0"])
        rollbackOnError = has("rollback-on-error", versions: ["1.0"])
        validate = has("validate", versions: ["1.1", "1.0"])
    }

    /// Whether a run can apply without ever leaving a half-applied configuration active:
    /// candidate + confirmed commit (the device reverts by itself), or rollback-on-error on running.
    public var appliesAtomically: Bool { (candidate && confirmedCommit) || (!candidate && rollbackOnError) }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
