/// A configuration datastore named as an operation's source or target (RFC 6241 §5.1, §8.8 `:url`).
public enum Datastore: Sendable, Equatable {
    case running, candidate, startup
    case url(String)

    /// `<running/>`, `<candidate/>`, `<startup/>` or `<url>…</url>`.
    public var element: XMLElement {
        switch self {
        case .running: XMLElement("running", namespace: NETCONFNamespace.base)
        case .candidate: XMLElement("candidate", namespace: NETCONFNamespace.base)
        case .startup: XMLElement("startup", namespace: NETCONFNamespace.base)
        case .url(let url): XMLElement("url", namespace: NETCONFNamespace.base, text: url)
        }
    }

    /// Reads the datastore inside a `<source>` / `<target>` element (server side).
    public init?(container: XMLElement) {
        guard let choice = container.elements.first else { return nil }
        switch choice.name {
        case "running": self = .running
        case "candidate": self = .candidate
        case "startup": self = .startup
        case "url": self = .url(choice.text.trimmingXMLWhitespace())
        default: return nil
        }
    }
}
