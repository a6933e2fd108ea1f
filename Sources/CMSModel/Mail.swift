/// Mail settings: SMTP servers, address book and monitor-group recipients (SPEC §10).
public struct Mail: Sendable, Equatable, Hashable, Codable {
    /// One SMTP server; servers are tried in order.
    public struct Server: Sendable, Equatable, Hashable, Codable {
        public enum Auth: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
            case none
            case popBeforeSMTP = "pop-before-smtp"
            case login, plain
        }

        /// How the connection is protected; certificates are always verified when TLS is used.
        public enum TLS: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
            /// STARTTLS (POP3: STLS) after connecting; refused when the server does not offer it. The default.
            case starttls
            /// TLS from the first byte (SMTPS on 465, POP3S on 995).
            case implicit
            /// No TLS (the original product's servers): user and password travel in clear.
            case none
        }

        /// The POP3 server of POP-before-SMTP.
        public struct POP: Sendable, Equatable, Hashable, Codable {
            public var host: String
            public var port: Int
            public var tls: TLS
            public init(host: String, port: Int = 110, tls: TLS = .starttls) {
                self.host = host
                self.port = port
                self.tls = tls
            }
        }

        public var name: String
        public var host: String
        public var port: Int
        public var from: String
        public var auth: Auth
        public var user: String?
        public var password: SecretRef?
        public var pop: POP?
        public var tls: TLS
        /// A PEM file of CA certificates on the `cmsd` host that replaces the system's trust store for this server
        /// (and its POP3 server): a private CA.
        public var caFile: String?

        public init(
            name: String, host: String, port: Int, from: String, auth: Auth = .none, user: String? = nil,
            password: SecretRef? = nil, pop: POP? = nil, tls: TLS = .starttls, caFile: String? = nil
        ) {
            self.tls = tls
            self.caFile = caFile
            self.name = name
            self.host = host
            self.port = port
            self.from = from
            self.auth = auth
            self.user = user
            self.password = password
            self.pop = pop
        }
    }

    /// A named mail address.
    public struct Contact: Sendable, Equatable, Hashable, Codable {
        public var name: String
        public var address: String
        public init(name: String, address: String) {
            self.name = name
            self.address = address
        }
    }

    /// Alert-fatigue settings on top of the original's rule (on by default).
    public struct Calm: Sendable, Equatable, Hashable, Codable {
        public var enabled: Bool
        /// A device with at least this many DOWN events in one batch is one "flapping" line (count, first/last).
        public var flapping: Int
        /// More than this many devices DOWN within one minute is one mass-outage digest naming them.
        public var massOutage: Int
        public init(enabled: Bool = true, flapping: Int = 3, massOutage: Int = 10) {
            self.enabled = enabled
            self.flapping = flapping
            self.massOutage = massOutage
        }
    }

    public var subject: String
    /// Seconds, 30–3600: events inside it are batched into one mail.
    public var minInterval: Int
    public var servers: [Server]
    public var addressBook: [Contact]
    /// Address-book names mailed on monitor-group UP/DOWN.
    public var monitorRecipients: [String]
    public var calm: Calm

    public init(
        subject: String = "", minInterval: Int = 300, servers: [Server] = [], addressBook: [Contact] = [],
        monitorRecipients: [String] = [], calm: Calm = Calm()
    ) {
        self.calm = calm
        self.subject = subject
        self.minInterval = minInterval
        self.servers = servers
        self.addressBook = addressBook
        self.monitorRecipients = monitorRecipients
    }
}
