import CMSModel

/// The tenant's maintenance windows (tenant.yaml `windows:`, shared with firmware rollouts) as the scheduler's gate:
/// with `schedules.respectMaintenanceWindows: true` a due time outside every window is reported, not fired. No window
/// declared restricts nothing.
extension WindowCalendar: ScheduleWindowGate {
    public func allows(_ instant: Timestamp) -> Bool { isOpen(at: instant) }
}
