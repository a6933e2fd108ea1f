/// Capability URNs exchanged in `<hello>` (RFC 6241 §8, RFC 5277, RFC 6243).
public enum Capability {
    public static let base10 = "urn:ietf:params:netconf:base:1.0"
    public static let base11 = "urn:ietf:params:netconf:base:1.1"
    public static let candidate = "urn:ietf:params:netconf:capability:candidate:1.0"
    public static let confirmedCommit10 = "urn:ietf:params:netconf:capability:confirmed-commit:1.0"
    public static let confirmedCommit11 = "urn:ietf:params:netconf:capability:confirmed-commit:1.1"
    public static let rollbackOnError = "urn:ietf:params:netconf:capability:rollback-on-error:1.0"
    public static let validate10 = "urn:ietf:params:netconf:capability:validate:1.0"
    public static let validate11 = "urn:ietf:params:netconf:capability:validate:1.1"
    public static let writableRunning = "urn:ietf:params:netconf:capability:writable-running:1.0"
    public static let startup = "urn:ietf:params:netconf:capability:startup:1.0"
    public static let url = "urn:ietf:params:netconf:capability:url:1.0"
    public static let xpath = "urn:ietf:params:netconf:capability:xpath:1.0"
    public static let notification = "urn:ietf:params:netconf:capability:notification:1.0"
    public static let interleave = "urn:ietf:params:netconf:capability:interleave:1.0"
    public static let withDefaults = "urn:ietf:params:netconf:capability:with-defaults:1.0"

    /// The URN without `?query` parameters (`…:with-defaults:1.0?basic-mode=explicit` → `…:with-defaults:1.0`).
    public static func withoutParameters(_ capability: String) -> String {
        let trimmed = capability.trimmingXMLWhitespace()
        guard let question = trimmed.firstIndex(of: "?") else { return trimmed }
        return String(trimmed[..<question])
    }

    /// The `?key=value&…` parameters of a capability URN (e.g. `basic-mode` of with-defaults).
    public static func parameters(_ capability: String) -> [String: String] {
        guard let question = capability.firstIndex(of: "?") else { return [:] }
        var result: [String: String] = [:]
        for pair in capability[capability.index(after: question)...].split(whereSeparator: { $0 == "&" || $0 == ";" }) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }
}
