/// A stored state record that this version of the CMS cannot read back.
public enum SQLiteStateStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The JSON of a device record does not decode (written by another version, or a damaged file).
    case corruptDevice(tenant: String, code: String, detail: String)
    case corruptTenant(code: String, detail: String)

    public var description: String {
        switch self {
        case let .corruptDevice(tenant, code, detail):
            "state store: the record of device '\(code)' of tenant '\(tenant)' is unreadable (\(detail)); "
                + "upgrade cms, or delete the record to let cmsd relearn it"
        case let .corruptTenant(code, detail):
            "state store: the record of tenant '\(code)' is unreadable (\(detail)); "
                + "upgrade cms, or delete the record to let cmsd relearn it"
        }
    }
}
