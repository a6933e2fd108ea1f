/// A NETCONF configuration datastore an apply run writes to (RFC 6241 §5.1).
public enum Datastore: String, Sendable, Hashable, Codable, CaseIterable {
    case running
    case candidate
}
