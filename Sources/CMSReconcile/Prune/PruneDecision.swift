/// What ``PruneGuard`` decided about the devices a new revision removes.
public enum PruneDecision: Sendable, Hashable {
    /// Go ahead; `removed` (sorted) may be empty.
    case allowed(removed: [String])
    /// Keep managing the previous revision's devices; `message` says why and what to do.
    case refused(removed: [String], message: String)

    /// The devices the revision removes, sorted.
    public var removed: [String] {
        switch self {
        case .allowed(let removed), .refused(let removed, _): removed
        }
    }

    public var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }
}
