/// Where an exchange with a mail server stopped. Every stage moves on to the next server of the list.
public enum MailFailureStage: String, Sendable, Equatable, Codable {
    /// No connection: refused, unreachable, name unknown, timeout.
    case connect
    /// TLS failed: no STARTTLS offered, certificate not trusted, handshake error.
    case tls
    /// The server refused the login (SMTP AUTH, or the POP3 login of POP-before-SMTP).
    case authenticate
    /// Connected and logged in, but the server refused the sender, a recipient or the message.
    case accept
}

/// A failed exchange with one server: its name, the stage, what the server or libcurl said, and the dialogue so
/// far (server replies and our command verbs; credentials never appear).
public struct MailTransportError: Error, Sendable, CustomStringConvertible {
    public var server: String
    public var stage: MailFailureStage
    public var message: String
    public var dialogue: [String]

    public init(server: String, stage: MailFailureStage, message: String, dialogue: [String] = []) {
        self.server = server
        self.stage = stage
        self.message = message
        self.dialogue = dialogue
    }

    public var description: String { "\(server): \(stage.rawValue) failed: \(message)" }
}

/// What a successful exchange looked like: the dialogue (server replies and our command verbs).
public struct MailDialogue: Sendable, Equatable {
    public var server: String
    public var lines: [String]

    public init(server: String, lines: [String]) {
        self.server = server
        self.lines = lines
    }
}

/// The port mail is sent through: one server per call (the failover order is the caller's decision).
public protocol MailSender: Sendable {
    /// Sends `mail` through `server` (logging in to its POP3 server first for POP-before-SMTP).
    func send(_ mail: OutgoingMail, via server: SMTPServerEndpoint) async throws(MailTransportError) -> MailDialogue
}
