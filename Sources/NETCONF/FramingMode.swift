/// How messages are delimited on a NETCONF transport (RFC 6242 §4).
public enum FramingMode: Sendable, Equatable {
    /// NETCONF 1.0: each message ends with `]]>]]>`. Always used for the hellos.
    case endOfMessage
    /// NETCONF 1.1: each message is a series of `\n#<len>\n<data>` chunks ended by `\n##\n`.
    case chunked

    /// The framing to use after both hellos: chunked if and only if both sides advertise `base:1.1`.
    public static func negotiate(local: Hello, remote: Hello) -> FramingMode {
        local.has(Capability.base11) && remote.has(Capability.base11) ? .chunked : .endOfMessage
    }
}
