import CMSModel

/// Schedules (issue 13) respect the same maintenance windows as firmware rollouts: a due time is allowed when a
/// window is open then (or when the tenant declares none).
extension WindowCalendar: ScheduleWindowGate {
    public func allows(_ instant: Timestamp) -> Bool { isOpen(at: instant) }
}
