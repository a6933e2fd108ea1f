/// One change of one managed policy on one device.
public enum PolicyChange<Policy: Sendable & Hashable>: Sendable, Hashable {
    case add(Policy)
    case change(from: Policy, to: Policy)
    case delete(Policy)

    /// The policy as it will be (`add`, `change`) or as it was (`delete`).
    public var policy: Policy {
        switch self {
        case .add(let p), .change(_, let p), .delete(let p): p
        }
    }

    /// `+`, `~` or `-`.
    public var symbol: String {
        switch self {
        case .add: "+"
        case .change: "~"
        case .delete: "-"
        }
    }
}
