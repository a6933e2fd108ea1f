import NETCONF

/// One part of a device's configuration that `cms` manages (DESIGN §3): a small plug-in of the core
/// that knows its desired fragment, how to read it back and how to render the edit.
///
/// The reconciler reads each part back with `<get-config>` on running using ``readFilter`` (a subtree
/// filter), asks ``change(observed:)`` for the edit, applies every part's edit in one `<edit-config>`,
/// reads back again and calls ``change(observed:)`` once more: **verified means it returns nil**.
/// Implementations are pure values.
public protocol ManagedPart: Sendable {
    /// Stable id shown in plans, status and events: `baseline`, `ipsec`, …
    var id: String { get }
    /// Top-level elements of a `<filter type="subtree">` that select everything this part reads.
    var readFilter: [XMLElement] { get }
    /// The change that brings `observed` (the children of `<data>` of the read-back) to the desired
    /// state, or nil when it already matches.
    func change(observed: [XMLElement]) -> PartChange?
}

/// The edit one managed part needs on one device.
public struct PartChange: Sendable, Equatable {
    /// The part's id.
    public var part: String
    /// Readable lines for `cms plan` / events, e.g. `+ ipsec-policy cms-mesh-tokyo`,
    /// `~ system/telnet-server/enabled: true → false`, `- ike-policy cms-old-peer`.
    public var summary: [String]
    /// Top-level elements for the `<config>` of `<edit-config>` (with NETCONF `operation` attributes
    /// where needed). Applied with default-operation `merge`.
    public var edit: [XMLElement]

    public init(part: String, summary: [String], edit: [XMLElement]) {
        self.part = part
        self.summary = summary
        self.edit = edit
    }
}
