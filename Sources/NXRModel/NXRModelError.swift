/// A value in NXR XML that breaks the model (schemas/nxr.yang): which node, and what is wrong.
/// `path` is a schema-style path such as `/nxr:ipsec/ike-policy[name='x']/dh-group`, suitable for an
/// `rpc-error`'s `error-path`.
public struct NXRModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The offending node.
    public var path: String
    /// What is wrong and what is allowed.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
