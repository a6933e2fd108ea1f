/// XML namespace URIs of NETCONF messages.
public enum NETCONFNamespace {
    /// RFC 6241 base protocol: hello, rpc, rpc-reply, operations, rpc-error.
    public static let base = "urn:ietf:params:xml:ns:netconf:base:1.0"
    /// RFC 5277 event notifications: create-subscription, notification, eventTime.
    public static let notification = "urn:ietf:params:xml:ns:netconf:notification:1.0"
    /// RFC 6243 with-defaults parameter.
    public static let withDefaults = "urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults"
}
