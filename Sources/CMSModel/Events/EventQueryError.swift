/// Why an ``EventQuery`` was refused; the message says which field and what to do.
public enum EventQueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The filter fields of a query.
    public enum Field: String, Sendable, Hashable {
        case user
        case device
        case group
    }

    case missingTenant
    case tooLong(field: Field, length: Int, maximum: Int)
    case limitOutOfRange(Int, maximum: Int)
    case periodReversed(from: Timestamp, to: Timestamp)

    public var description: String {
        switch self {
        case .missingTenant:
            "event search: a tenant is required"
        case let .tooLong(field, length, maximum):
            "event search: the \(field.rawValue) filter has \(length) characters; at most \(maximum) are allowed"
        case let .limitOutOfRange(limit, maximum):
            "event search: limit \(limit) is out of range; use 1 to \(maximum)"
        case let .periodReversed(from, to):
            "event search: period start \(from) is after its end \(to); swap them"
        }
    }
}
