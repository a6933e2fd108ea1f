/// A timer the lifecycle asked its driver to run. The generation makes every timer unique, so a
/// timer that fires after the lifecycle moved on is recognised as stale and ignored.
public struct LifecycleTimer: Sendable, Hashable, Codable {
    /// What the timer is for.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Connecting + identification took too long.
        case identificationTimeout = "identification-timeout"
        /// Time to try connecting again.
        case retry
        /// The expected absence after a reboot / update / restore is over.
        case rebootWindow = "reboot-window"
    }

    public var kind: Kind
    public var generation: UInt64

    public init(kind: Kind, generation: UInt64) {
        self.kind = kind
        self.generation = generation
    }
}
