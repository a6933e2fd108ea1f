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
        let waiting = snapshot.schedules.filter { !ScheduleCommands.carriedOut.contains($0.command) }
        if !waiting.isEmpty {
            let commands = Set(waiting.map(\.command)).sorted { $0.rawValue < $1.rawValue }
                .map { "\($0.rawValue): issue \(ScheduleCommands.issue(of: $0))" }
            kinds.append(
                "schedule commands (\(waiting.count) schedule(s): \(commands.joined(separator: ", ")); "
                    + "aborted with an event at fire time)")
        }
        if snapshot.tenant.schedules.respectMaintenanceWindows, !snapshot.schedules.isEmpty {
            kinds.append("maintenance windows for schedules (none can be declared yet; issue 11)")
        }
        return kinds
    }
}
