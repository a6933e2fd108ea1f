/// How a connection to a mail server is protected.
public enum MailTLS: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    /// Plain connection, then `STARTTLS` (POP3: `STLS`); refused when the server does not offer it.
    case starttls
    /// TLS from the first byte (SMTPS, POP3S).
    case implicit
    /// No TLS at all (the original product's servers): credentials travel in clear.
    case none
}

/// A password already read from its secret reference. Its description never shows the value, so it cannot leak
/// into a log line, an event or an error message by interpolation.
public struct MailPassword: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// One SMTP server as the transport needs it: where, how protected, how to log in.
public struct SMTPServerEndpoint: Sendable {
    public enum Authentication: Sendable {
        case none
        /// SMTP AUTH LOGIN.
        case login(user: String, password: MailPassword)
        /// SMTP AUTH PLAIN.
        case plain(user: String, password: MailPassword)
        /// Log in to the POP3 server first, then send without SMTP AUTH within the server's window.
        case popBeforeSMTP(pop: POP3Endpoint, user: String, password: MailPassword)
    }

    /// The server's name in the tenant's `mail.yaml` (named in every event and error).
    public var name: String
    public var host: String
    public var port: Int
    public var tls: MailTLS
    /// A PEM file of CA certificates to verify the server with, instead of the system's.
    public var caFile: String?
    public var authentication: Authentication

    public init(
        name: String, host: String, port: Int, tls: MailTLS = .starttls, caFile: String? = nil,
        authentication: Authentication = .none
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.tls = tls
        self.caFile = caFile
        self.authentication = authentication
    }
}

/// The POP3 server of POP-before-SMTP.
public struct POP3Endpoint: Sendable {
    public var host: String
    public var port: Int
    public var tls: MailTLS
    public var caFile: String?

    public init(host: String, port: Int, tls: MailTLS = .starttls, caFile: String? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
        self.caFile = caFile
    }
}

/// A message ready to go: the envelope and the RFC 5322 bytes.
public struct OutgoingMail: Sendable {
    public var from: String
    public var recipients: [String]
    public var data: [UInt8]

    public init(from: String, recipients: [String], data: [UInt8]) {
        self.from = from
        self.recipients = recipients
        self.data = data
    }
}

/// Time limits of one exchange with a server.
public struct MailTimeouts: Sendable {
    public var connect: Duration
    /// The whole exchange (connect, TLS, login, envelope, data).
    public var total: Duration

    public init(connect: Duration = .seconds(10), total: Duration = .seconds(60)) {
        self.connect = connect
        self.total = total
    }
}
