/// A NETCONF message that is well-formed XML (or not) but is not the message expected: wrong root element,
/// missing or invalid field. Says what was expected and what was found.
public struct MessageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The underlying XML error when the bytes were not well-formed XML.
    public var xml: XMLError?

    public init(_ message: String, xml: XMLError? = nil) {
        self.message = message
        self.xml = xml
    }

    public var description: String { "NETCONF message: \(message)" }

    /// Parses message bytes, wrapping XML errors.
    static func parseXML(_ bytes: [UInt8], what: String) throws(MessageError) -> XMLElement {
        do {
            return try XML.parse(bytes)
        } catch {
            throw MessageError("\(what) is not well-formed XML: \(error.description)", xml: error)
        }
    }
}
