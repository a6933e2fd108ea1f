import NETCONF

/// What the engine asks before it changes a datastore: would a real NXR accept this configuration?
///
/// A protocol so that the engine stays pure and testable: the simulator plugs in ``YANGValidator`` (libyang against
/// `schemas/nxr.yang`), a test may plug in anything. Both checks answer `rpc-error`s as a router sends them
/// (`unknown-element`, `invalid-value`, `missing-element`, … with `error-path`); an empty array means valid.
public protocol ConfigValidator: Sendable {
    /// Checks the data of one `<edit-config>` (the children of its `<config>`): every element must exist in the
    /// model and every value must fit its type. The edit may be partial (mandatory nodes, references and
    /// constraints are checked on the whole datastore by ``validate(datastore:)``).
    func validate(edit: [XMLElement]) -> [RPCError]

    /// Checks a whole datastore (a `data` root element): everything, as `<commit>` and `<validate>` do.
    func validate(datastore: XMLElement) -> [RPCError]
}

/// Accepts everything: the engine's default, for tests of the protocol machinery alone.
public struct AcceptingValidator: ConfigValidator {
    public init() {}
    public func validate(edit: [XMLElement]) -> [RPCError] { [] }
    public func validate(datastore: XMLElement) -> [RPCError] { [] }
}

/// A whole-datastore check given as a function (edits are checked only through their result).
public struct DatastoreCheck: ConfigValidator {
    let check: @Sendable (XMLElement) -> [RPCError]
    public init(_ check: @escaping @Sendable (XMLElement) -> [RPCError]) { self.check = check }
    public func validate(edit: [XMLElement]) -> [RPCError] { [] }
    public func validate(datastore: XMLElement) -> [RPCError] { self.check(datastore) }
}
