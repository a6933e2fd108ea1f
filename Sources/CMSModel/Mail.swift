/// Mail settings: SMTP servers, address book and monitor-group recipients (SPEC §10).
public struct Mail: Sendable, Equatable, Hashable, Codable {
    /// One SMTP server; servers are tried in order.
    public struct Server: Sendable, Equatable, Hashable, Codable {
        public enum Auth: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
            case none
            case popBeforeSMTP = "pop-before-smtp"
            case login, plain
        }

        /// The POP3 server of POP-before-SMTP.
        public struct POP: Sendable, Equatable, Hashable, Codable {
            public var host: String
            public var port: Int
            public init(host: String, port: Int = 110) {
                self.host = host
                self.port = port
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

        public init(
            name: String, host: String, port: Int, from: String, auth: Auth = .none, user: String? = nil,
            password: SecretRef? = nil, pop: POP? = nil
        ) {
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

    public var subject: String
    /// Seconds, 30–3600: events inside it are batched into one mail.
    public var minInterval: Int
    public var servers: [Server]
    public var addressBook: [Contact]
    /// Address-book names mailed on monitor-group UP/DOWN.
    public var monitorRecipients: [String]

    public init(
        subject: String = "", minInterval: Int = 300, servers: [Server] = [], addressBook: [Contact] = [],
        monitorRecipients: [String] = []
    ) {
        self.subject = subject
        self.minInterval = minInterval
        self.servers = servers
        self.addressBook = addressBook
        self.monitorRecipients = monitorRecipients
    }
}
