/// Why a device is about to go away for a while; each has its own expected absence (SPEC §12:
/// firmware update ~10 min, auto-config and config restore ~5 min). Inside that window a
/// disconnection is expected, not a failure.
public enum RebootKind: String, Sendable, Hashable, Codable, CaseIterable {
    case reboot
    case firmwareUpdate = "firmware-update"
    case configRestore = "config-restore"
    case autoConfig = "auto-config"
}
