/// A child of an element: another element or a run of character data (CDATA sections become text).
///
/// Comments and processing instructions are dropped on parse.
public enum XMLNode: Sendable, Equatable {
    case element(XMLElement)
    case text(String)
}
