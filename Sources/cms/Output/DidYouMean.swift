import CMSAPI
import CMSModel

/// "did you mean …?" for device codes and group names the server does not know.
enum DidYouMean {
    /// Names within a small edit distance of `name` (case-insensitive), closest first, at most three.
    static func suggestions(for name: String, among names: [String]) -> [String] {
        let wanted = Array(name.lowercased())
        let limit = max(1, min(3, wanted.count / 3))
        let scored = Set(names).compactMap { candidate -> (String, Int)? in
            let lowered = Array(candidate.lowercased())
            let distance = editDistance(wanted, lowered)
            let close = distance <= limit || (wanted.count >= 3 && lowered.starts(with: wanted))
            return close && candidate != name ? (candidate, distance) : nil
        }
        return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(3).map(\.0)
    }

    /// ` — did you mean a, b?` or an empty string.
    static func hint(for name: String, among names: [String]) -> String {
        let found = suggestions(for: name, among: names)
        return found.isEmpty ? "" : "\n  did you mean \(found.joined(separator: ", "))?"
    }

    /// Levenshtein distance, adjacent transpositions counting one.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }

    /// Every device of the tenant (codes and groups), for suggestions; nil when the list cannot be had.
    static func devices(_ client: APIClient, tenant: String) async -> [DeviceSummary]? {
        let page: DevicePage? = try? await client.get(["tenants", tenant, "devices"], query: [("pageSize", "all")])
        return page?.devices
    }

    /// A 404 for a device code, with the closest codes the tenant has (once: ``APIClient`` already adds them to
    /// the API's `device-not-found` answers).
    static func unknownDevice(_ code: String, failure: CLIFailure, client: APIClient, tenant: String) async
        -> CLIFailure
    {
        guard failure.httpStatus == 404, !failure.description.contains("did you mean"),
            let devices = await devices(client, tenant: tenant)
        else { return failure }
        return CLIFailure(failure.description + hint(for: code, among: devices.map(\.code)), httpStatus: 404)
    }

    /// The API's `device-not-found` / `group-not-found` (`IPsec group-not-found`) answers name the unknown name
    /// between quotes: add the closest device codes or group names the tenant has.
    static func unknownName(_ error: APIError, failure: CLIFailure, client: APIClient, tenant: String) async
        -> CLIFailure
    {
        let isDevice = error.code.hasSuffix("device-not-found")
        guard isDevice || error.code.hasSuffix("group-not-found") else { return failure }
        let quoted = error.message.split(separator: "'", omittingEmptySubsequences: false)
        guard quoted.count >= 3, let devices = await devices(client, tenant: tenant) else { return failure }
        let name = String(quoted[1])
        let names = isDevice ? devices.map(\.code) : devices.flatMap(\.groups)
        return CLIFailure(failure.description + hint(for: name, among: names), httpStatus: failure.httpStatus)
    }

    /// A device or group filter that matches nothing the tenant has: say so, with the closest names.
    static func checkFilters(device: String?, group: String?, client: APIClient, tenant: String) async throws(CLIFailure)
    {
        guard device != nil || group != nil, let devices = await devices(client, tenant: tenant) else { return }
        if let device, !devices.contains(where: { $0.code == device }) {
            let hint = hint(for: device, among: devices.map(\.code))
            if !hint.isEmpty { throw CLIFailure("no device '\(device)' in tenant \(tenant)" + hint) }
        }
        if let group, !devices.contains(where: { $0.groups.contains(group) }) {
            let hint = hint(for: group, among: devices.flatMap(\.groups))
            if !hint.isEmpty { throw CLIFailure("no group '\(group)' in tenant \(tenant)" + hint) }
        }
    }
}
