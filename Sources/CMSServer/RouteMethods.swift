/// The methods each route of the API allows, by path template (`GET /api/v1/tenants/{tenant}/status`), so that a
/// path the API serves, asked with a method it does not serve there, is answered `405 method-not-allowed` with
/// the `Allow` header (RFC 9110 §15.5.6) instead of a 404 that would say the path does not exist.
struct RouteMethods: Sendable {
    private struct Route: Sendable {
        /// nil = a `{parameter}` segment (any one non-empty segment).
        var segments: [String?]
        var method: String
    }

    private let routes: [Route]

    /// `table`: lines `METHOD /path/{parameter}` as ``APIServer/routeTable(controlPlane:)`` lists them.
    init(_ table: [String]) {
        routes = table.compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            let segments = parts[1].split(separator: "/").map { segment -> String? in
                segment.hasPrefix("{") && segment.hasSuffix("}") ? nil : String(segment)
            }
            return Route(segments: segments, method: String(parts[0]))
        }
    }

    /// The methods served at `path` (as sent, percent-encoded), sorted; empty when no route has this path.
    func allowed(at path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var methods = Set<String>()
        for route in routes where route.segments.count == segments.count {
            if zip(route.segments, segments).allSatisfy({ literal, segment in literal.map { $0 == segment } ?? true }) {
                methods.insert(route.method)
            }
        }
        return methods.sorted()
    }
}
