/// An RFC 5277 `<notification>`: its `eventTime` and the event content elements.
public struct Notification: Sendable, Equatable {
    /// RFC 3339 date-time as sent.
    public var eventTime: String
    public var content: [XMLElement]

    public init(eventTime: String, content: [XMLElement]) {
        self.eventTime = eventTime
        self.content = content
    }
}
