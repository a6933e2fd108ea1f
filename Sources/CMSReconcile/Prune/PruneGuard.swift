/// Safe prune (Flux's "prune" with a brake, DESIGN §3): a revision that deletes a large part of a
/// tenant's devices at once is more likely a mistake (a moved folder, a bad merge) than a decision.
///
/// A revision may remove one device, or up to `maxFraction` of the previous revision's devices.
/// Removing more is refused unless the commit message of the revision has a line
/// `Allow-Prune: yes` (a git trailer; name and value case-insensitive, spaces around them ignored).
public enum PruneGuard {
    /// The trailer that allows a large prune.
    public static let trailer = "Allow-Prune"

    /// Decides about the devices `previous` has and `next` has not. `maxFraction` is clamped to 0…1.
    public static func evaluate(
        previous: Set<String>, next: Set<String>, maxFraction: Double, commitMessage: String
    ) -> PruneDecision {
        let removed = previous.subtracting(next).sorted()
        let fraction = maxFraction.isNaN ? 0 : min(max(maxFraction, 0), 1)
        let limit = Double(previous.count) * fraction
        guard removed.count > 1, Double(removed.count) > limit, !allowsPrune(commitMessage: commitMessage) else {
            return .allowed(removed: removed)
        }
        let percent = Int((Double(removed.count) * 100 / Double(previous.count)).rounded())
        let shown = removed.prefix(10).joined(separator: ", ")
        let more = removed.count > 10 ? ", … (\(removed.count - 10) more)" : ""
        let message =
            "this revision removes \(removed.count) of \(previous.count) devices (\(percent)%; at most "
            + "\(Int((fraction * 100).rounded()))% or 1 device may go in one revision): \(shown)\(more). "
            + "The devices stay managed as in the previous revision. If the removal is intended, commit again "
            + "with the line '\(trailer): yes' at the end of the commit message (a git trailer, e.g. "
            + "git commit --allow-empty --trailer '\(trailer): yes'); otherwise restore the devices' files."
        return .refused(removed: removed, message: message)
    }

    /// Whether a line of the message is `Allow-Prune: yes` (case-insensitive).
    public static func allowsPrune(commitMessage: String) -> Bool {
        for line in commitMessage.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon]).trimmingWhitespace().lowercased()
            let value = String(line[line.index(after: colon)...]).trimmingWhitespace().lowercased()
            if name == trailer.lowercased(), value == "yes" { return true }
        }
        return false
    }
}
