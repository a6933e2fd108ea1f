import CMSAPI
import CMSModel

/// The query parameters of one request, checked against the names a route accepts. Every problem is
/// a 400 ``APIError`` naming the parameter, the bad value and what is accepted.
struct QueryReader: Sendable {
    private let pairs: [(name: String, value: String)]

    /// Refuses parameters the route does not know (a typo would otherwise be silently ignored).
    init(_ pairs: [(name: String, value: String)], allowed: [String]) throws(APIError) {
        for pair in pairs where !allowed.contains(pair.name) {
            let accepted =
                allowed.isEmpty ? "this route takes no query parameters" : "use \(allowed.joined(separator: ", "))"
            throw .badQuery("unknown query parameter '\(pair.name)'; \(accepted)")
        }
        self.pairs = pairs
    }

    /// Every value of a parameter; comma-separated lists are split (`state=a,b` = `state=a&state=b`).
    func list(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.flatMap { $0.value.split(separator: ",").map(String.init) }
    }

    /// The one value of a parameter, nil when absent; given twice is an error.
    func single(_ name: String) throws(APIError) -> String? {
        let values = pairs.filter { $0.name == name }.map(\.value)
        guard values.count <= 1 else {
            throw .badQuery("query parameter '\(name)' is given \(values.count) times; give it once")
        }
        return values.first
    }

    func bool(_ name: String) throws(APIError) -> Bool? {
        guard let text = try single(name) else { return nil }
        switch text.lowercased() {
        case "", "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw .badQuery("\(name): '\(text)' is not a boolean; use true or false")
        }
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let text = try single(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .badQuery("\(name): '\(text)' is not a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// A value of a string enum; the error lists the valid values.
    func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws(APIError) -> T?
    where T.RawValue == String {
        guard let text = try single(name) else { return nil }
        return try Self.parse(name, text, type)
    }

    static func parse<T: RawRepresentable & CaseIterable>(_ name: String, _ text: String, _: T.Type) throws(APIError)
        -> T
    where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            let valid = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw .badQuery("\(name): '\(text)' is not valid; use one of \(valid)")
        }
        return value
    }

    /// A point in time: ISO 8601 UTC (`2026-11-27T09:00:00Z`, fraction optional) or microseconds since 1970.
    func time(_ name: String) throws(APIError) -> Timestamp? {
        guard let text = try single(name) else { return nil }
        if let micros = Int64(text) { return Timestamp(microsecondsSince1970: micros) }
        if let time = Timestamp(iso8601: text) { return time }
        throw .badQuery(
            "\(name): '\(text)' is not a time; use ISO 8601 UTC like 2026-11-27T09:00:00Z or microseconds since 1970")
    }
}

extension APIError {
    /// A 400 for a bad query parameter (code `bad-query`).
    static func badQuery(_ message: String) -> APIError {
        APIError(status: 400, code: "bad-query", message: message)
    }
}
