import CMSModel

/// What a tenant's revision declares that `cms-lint` accepts but `cmsd` does not carry out yet, each named
/// with the issue that will carry it out. The daemon says so once per adopted revision (event
/// `gitops.not-carried-out`), so nothing the linter accepts is ignored silently. Shrinks as issues land.
public enum NotCarriedOut {
    /// One readable entry per kind present in `snapshot`, in a fixed order; empty when everything is carried out.
    public static func kinds(in snapshot: TenantSnapshot) -> [String] {
        var kinds: [String] = []
        let files = snapshot.devices.flatMap(\.configs).filter { !$0.enforce }
        let autoConfig = snapshot.devices.flatMap(\.configs).filter(\.autoConfig).count
        if !files.isEmpty || autoConfig > 0 {
            kinds.append(
                "config files other than enforced baselines (\(files.count) file(s), \(autoConfig) flagged "
                    + "auto-config; issue 12)")
        }
        if !snapshot.schedules.isEmpty {
            kinds.append("schedules (\(snapshot.schedules.count); issue 13)")
        }
        return kinds
    }
}
