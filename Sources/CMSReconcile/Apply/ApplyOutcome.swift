/// How an apply run ended.
public enum ApplyOutcome: Sendable, Hashable {
    /// The change is active on the device and was verified by read-back.
    case applied
    case failed(ApplyFailure)
}
