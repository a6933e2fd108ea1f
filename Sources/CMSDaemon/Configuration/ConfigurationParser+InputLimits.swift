import CMSModel
import Yams

/// `limits.input` of `cmsd.yaml`: the caps on what one revision of a tenant repository may make `cmsd` read, parse
/// and hold (``InputLimits``; docs/security.md "Tenant repositories"). Every key is optional; a missing one keeps its
/// default. Sizes are bytes, or a number with `KiB`, `MiB` or `GiB`; `lintTimeout` is a duration.
///
/// ```yaml
/// limits:
///   input: {maxFileBytes: 16MiB, maxRevisionBytes: 256MiB, maxFiles: 250000, maxAliases: 1000,
///           maxExpandedNodes: 2000000, maxDepth: 64, lintTimeout: 60s}
/// ```
extension ConfigurationParser {
    /// Bounds each cap may be set within: a cap is a defence, so none may be switched off, and none may be raised
    /// past what one process can survive (a 4 GiB file read in memory, a decoder recursing 1,000 levels).
    static let inputLimitRanges: [String: ClosedRange<Int>] = [
        "maxFileBytes": 1 << 10...1 << 30,
        "maxRevisionBytes": 1 << 10...4 << 30,
        "maxFiles": 1...10_000_000,
        "maxAliases": 0...1_000_000,
        "maxExpandedNodes": 1_000...100_000_000,
        "maxDepth": 8...512,
    ]

    func inputLimits(_ node: Node, _ field: String) throws(ConfigurationError) -> InputLimits {
        let map = try mapping(node, field, allowed: Set(Self.inputLimitRanges.keys).union(["lintTimeout"]))
        var limits = InputLimits.default
        func value(_ key: String, bytes: Bool = false) throws(ConfigurationError) -> Int? {
            guard let node = map[key] else { return nil }
            let range = Self.inputLimitRanges[key]!
            let path = field + "." + key
            let text = try string(node, path)
            guard let parsed = bytes ? Self.byteCount(text) : Int(text), range.contains(parsed) else {
                let unit = bytes ? " bytes (a number, or with KiB, MiB or GiB)" : ""
                throw error(
                    node, path,
                    "\(text) is not a whole number in \(range.lowerBound)…\(range.upperBound)\(unit)")
            }
            return parsed
        }
        if let v = try value("maxFileBytes", bytes: true) { limits.maxFileBytes = v }
        if let v = try value("maxRevisionBytes", bytes: true) { limits.maxRevisionBytes = v }
        if let v = try value("maxFiles") { limits.maxFiles = v }
        if let v = try value("maxAliases") { limits.maxAliases = v }
        if let v = try value("maxExpandedNodes") { limits.maxExpandedNodes = v }
        if let v = try value("maxDepth") { limits.maxDepth = v }
        if let node = map["lintTimeout"] {
            let timeout = try duration(node, field + ".lintTimeout")
            guard timeout >= .seconds(1), timeout <= .seconds(3600) else {
                throw error(node, field + ".lintTimeout", "must be between 1s and 1h")
            }
            let parts = timeout.components
            limits.lintSeconds = Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
        }
        if limits.maxRevisionBytes < limits.maxFileBytes {
            throw error(
                map["maxRevisionBytes"] ?? map["maxFileBytes"] ?? node, field + ".maxRevisionBytes",
                "\(limits.maxRevisionBytes) is below maxFileBytes (\(limits.maxFileBytes)): one file would fill a revision; "
                    + "raise maxRevisionBytes or lower maxFileBytes")
        }
        return limits
    }

    /// `1048576`, `512KiB`, `8MiB`, `1GiB` → bytes; nil when not such a number.
    static func byteCount(_ text: String) -> Int? {
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let number = Int(text.dropLast(suffix.count)), number >= 0, number <= Int.max / factor else {
                return nil
            }
            return number * factor
        }
        return Int(text)
    }
}
