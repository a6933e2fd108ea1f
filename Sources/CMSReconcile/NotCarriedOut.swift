import CMSModel

/// What a tenant's revision declares that `cms-lint` accepts but `cmsd` does not carry out yet, each named
/// with the issue that will carry it out. The daemon says so once per adopted revision (event
/// `gitops.not-carried-out`), so nothing the linter accepts is ignored silently. Shrinks as issues land.
public enum NotCarriedOut {
    /// One readable entry per kind present in `snapshot`, in a fixed order; empty when everything is carried out.
    public static func kinds(in snapshot: TenantSnapshot) -> [String] {
        var kinds: [String] = []
        let firmwareTargets =
            snapshot.devices.filter { $0.firmware != nil }.count + snapshot.groups.filter { $0.firmware != nil }.count
        if !snapshot.firmware.isEmpty || firmwareTargets > 0 {
            kinds.append(
                "firmware (\(snapshot.firmware.count) image(s), \(firmwareTargets) desired version(s); issue 11)")
        }
        // Config files and auto-config are carried out (issue 12: docs/config-archive.md); a file's `schedule` flag
        // is used by the schedules below.
        if !snapshot.schedules.isEmpty {
            kinds.append("schedules (\(snapshot.schedules.count); issue 13)")
        }
        if snapshot.mail != nil {
            kinds.append("mail alerts (issue 14)")
        }
        return kinds
    }
}
