import CMSModel

/// What a tenant's revision declares that `cms-lint` accepts but `cmsd` does not carry out yet, each named
/// with the issue that will carry it out. The daemon says so once per adopted revision (event
/// `gitops.not-carried-out`), so nothing the linter accepts is ignored silently. Shrinks as issues land.
public enum NotCarriedOut {
    /// One readable entry per kind present in `snapshot`, in a fixed order; empty when everything is carried out.
    public static func kinds(in snapshot: TenantSnapshot) -> [String] {
        let kinds: [String] = []
        // Config files and auto-config are carried out (issue 12: docs/config-archive.md); every schedule command
        // is carried out (issue 13: docs/schedules.md, `ScheduleCommands.carriedOut`).
        return kinds
    }
}
