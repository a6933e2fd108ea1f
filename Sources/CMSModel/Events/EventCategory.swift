/// The area an event belongs to; the first part of most event ids.
public enum EventCategory: String, Sendable, Hashable, Codable, CaseIterable {
    /// Device connection, identification, registration and lifecycle.
    case device
    /// CRP announcements (control address notifications).
    case crp
    /// Device config files: registration, backup, restore.
    case config
    /// Auto-Config and Schedule-Config selection and runs.
    case autoConfig = "auto-config"
    /// Firmware images and updates.
    case firmware
    /// Periodic collection of device syslogs.
    case syslog
    /// Groups and their members.
    case group
    /// IPsec policy distribution.
    case ipsec
    /// Users of the API / UI: login and logout.
    case user
    /// Tenant data backup, restore, import.
    case tenant
    /// The CMS server itself: start, stop, disk.
    case system
    /// NETCONF protocol errors.
    case netconf
    /// Notification mail.
    case mail
    /// Schedules and their runs.
    case schedule
    /// Desired state from git: fetch, lint, plan, apply, drift.
    case gitops
}
