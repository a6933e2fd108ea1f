/// What the catalogue says about one ``EventType``: severity, category, message template and the
/// original product's wording (guide §5.4), kept to help users migrating from it.
public struct EventDescriptor: Sendable, Hashable {
    public let severity: EventSeverity
    public let category: EventCategory
    /// English message with `{placeholder}`s; see ``Event/render(template:values:)``.
    public let template: String
    /// The original product's event name (guide §5.4, Japanese), nil for events it did not have.
    public let originalName: String?
    /// The original product's description of the event (guide §5.4, Japanese), nil when new.
    public let originalMessage: String?

    public init(
        _ severity: EventSeverity, _ category: EventCategory, _ template: String,
        original originalName: String? = nil, _ originalMessage: String? = nil
    ) {
        self.severity = severity
        self.category = category
        self.template = template
        self.originalName = originalName
        self.originalMessage = originalMessage
    }
}
