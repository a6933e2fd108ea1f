import CMSModel

/// Which schedule commands `cmsd` carries out today. A command outside this set is accepted by `cms-lint` (the
/// engines for it are other issues' work: syslog collection 13, auto-config and restore 12, firmware 11), but `cmsd`
/// says so on every adopted revision (``NotCarriedOut``), shows it in `cms schedules`, and at fire time aborts the
/// schedule with a `schedule.aborted` event naming the reason — never silently. The daemon's runner registry
/// (`CMSDaemon.ScheduleRunners.standard`) holds exactly these; a test keeps both in step.
public enum ScheduleCommands {
    public static let carriedOut: Set<Schedule.Command> = [.reboot]

    /// The issue whose engine will carry out `command` (for messages).
    public static func issue(of command: Schedule.Command) -> Int {
        switch command {
        case .fetchSyslog, .reboot: return 13
        case .switchAutoConfig, .restoreConfig: return 12
        case .firmwareUpdate, .firmwareUpdateNoReboot: return 11
        }
    }

    /// Why `command` is not carried out, or nil when it is.
    public static func notCarriedOutReason(_ command: Schedule.Command) -> String? {
        guard !carriedOut.contains(command) else { return nil }
        return "cmsd does not carry out \(command.rawValue) schedules yet (issue \(issue(of: command)))"
    }
}
