/// One entry of a tenant's event log (SPEC §9).
public struct Event: Sendable, Hashable, Codable {
    /// Assigned by the store on append; nil before.
    public var id: Int64?
    public var time: Timestamp
    /// Tenant code; every event belongs to exactly one tenant.
    public var tenant: String
    public var type: EventType
    public var severity: EventSeverity
    /// Device code, when the event concerns one device.
    public var device: String?
    /// Group name, when the event concerns a group.
    public var group: String?
    /// Who caused it: git commit author, API user, or nil for the system itself.
    public var user: String?
    /// Git revision (commit id) the event relates to.
    public var revision: String?
    /// Human-readable message, rendered from the type's template unless given.
    public var message: String
    /// Machine-readable extra fields (address, error, fingerprint…); also the template's values.
    public var details: [String: String]

    /// An event whose severity defaults to its type's and whose message is rendered from the type's
    /// template with `tenant`, `device`, `group`, `user`, `revision` and `details` as values.
    public init(
        id: Int64? = nil, time: Timestamp, tenant: String, type: EventType, severity: EventSeverity? = nil,
        device: String? = nil, group: String? = nil, user: String? = nil, revision: String? = nil,
        message: String? = nil, details: [String: String] = [:]
    ) {
        self.id = id
        self.time = time
        self.tenant = tenant
        self.type = type
        self.severity = severity ?? type.severity
        self.device = device
        self.group = group
        self.user = user
        self.revision = revision
        self.details = details
        if let message {
            self.message = message
        } else {
            var values = details
            values["tenant"] = tenant
            if let device { values["device"] = device }
            if let group { values["group"] = group }
            if let user { values["user"] = user }
            if let revision { values["revision"] = revision }
            self.message = Event.render(template: type.template, values: values)
        }
    }

    /// Replaces each `{name}` in `template` with `values[name]`, or `-` when there is no such value.
    /// A `{` without a closing `}` is kept as text.
    public static func render(template: String, values: [String: String]) -> String {
        var output = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            output += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else {
                output += rest[open...]
                return output
            }
            output += values[String(rest[afterOpen..<close])] ?? "-"
            rest = rest[rest.index(after: close)...]
        }
        output += rest
        return output
    }
}
