import CMSModel

/// Which schedule commands `cmsd` carries out: every command of SPEC §8 (syslog collection, reboot, the auto-config
/// switch, config restore, firmware updates with and without reboot). Kept as a set so that a command added to the
/// model without its runner is still never silent: `cmsd` would say so on every adopted revision
/// (``NotCarriedOut``), show it in `cms schedules`, and abort it at fire time with a `schedule.aborted` event naming
/// the reason. The daemon's runner registry (`CMSDaemon.ScheduleRunners.standard`) holds exactly these; a test keeps
/// both in step.
public enum ScheduleCommands {
    public static let carriedOut: Set<Schedule.Command> = Set(Schedule.Command.allCases)

    /// Why `command` is not carried out, or nil when it is.
    public static func notCarriedOutReason(_ command: Schedule.Command) -> String? {
        guard !carriedOut.contains(command) else { return nil }
        return "cmsd does not carry out \(command.rawValue) schedules"
    }
}
