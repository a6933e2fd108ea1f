/// RFC 6243 `<with-defaults>` retrieval mode for get / get-config (needs the `:with-defaults` capability).
public enum WithDefaultsMode: String, Sendable {
    case reportAll = "report-all", reportAllTagged = "report-all-tagged", trim, explicit

    /// The `<with-defaults>` parameter element.
    public var element: XMLElement {
        XMLElement("with-defaults", namespace: NETCONFNamespace.withDefaults, text: rawValue)
    }
}
