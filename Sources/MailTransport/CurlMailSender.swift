import CLibCurl
import Foundation

/// Sends mail with libcurl (SMTP, SMTPS, STARTTLS, AUTH LOGIN / PLAIN, and the POP3 login of POP-before-SMTP).
///
/// Every transfer runs on the sender's own thread (``MailThread``), never on the Swift concurrency pool, under the
/// connect and total timeouts. TLS peer and host verification stay on (libcurl's default); `caFile` replaces the
/// system's CA bundle. The dialogue it records holds server replies and our command verbs, never a credential.
public final class CurlMailSender: MailSender {
    /// libcurl's global initialisation is not thread-safe: done once, before any handle exists.
    private static let global: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    private let thread: MailThread
    public let timeouts: MailTimeouts

    public init(timeouts: MailTimeouts = MailTimeouts(), threadName: String = "cms-mail") {
        _ = Self.global
        self.timeouts = timeouts
        self.thread = MailThread(name: threadName)
    }

    public func send(_ mail: OutgoingMail, via server: SMTPServerEndpoint) async throws(MailTransportError)
        -> MailDialogue
    {
        let timeouts = self.timeouts
        let result = await thread.run { () -> Result<MailDialogue, MailTransportError> in
            var lines: [String] = []
            if case .popBeforeSMTP(let pop, let user, let password) = server.authentication {
                switch Self.popLogin(pop, user: user, password: password, server: server.name, timeouts: timeouts) {
                case .success(let popLines): lines += popLines.map { "POP3 " + $0 }
                case .failure(let error): return .failure(error)
                }
            }
            return Self.smtp(mail, via: server, timeouts: timeouts).map {
                MailDialogue(server: server.name, lines: lines + $0)
            }.mapError { error in
                var error = error
                error.dialogue = lines + error.dialogue
                return error
            }
        }
        return try result.get()
    }

    // MARK: - Transfers (on the mail thread)

    private static func url(_ scheme: String, _ host: String, _ port: Int) -> String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed):\(port)/"
    }

    private static func smtp(_ mail: OutgoingMail, via server: SMTPServerEndpoint, timeouts: MailTimeouts)
        -> Result<[String], MailTransportError>
    {
        let transfer = Transfer(upload: mail.data)
        guard let curl = transfer.curl else {
            return .failure(MailTransportError(server: server.name, stage: .connect, message: "libcurl unavailable"))
        }
        transfer.common(timeouts: timeouts, tls: server.tls, caFile: server.caFile)
        cms_curl_set_string(curl, CURLOPT_URL, url(server.tls == .implicit ? "smtps" : "smtp", server.host, server.port))
        switch server.authentication {
        case .none, .popBeforeSMTP:
            break
        case .login(let user, let password):
            transfer.login(user: user, password: password, mechanism: "LOGIN")
        case .plain(let user, let password):
            transfer.login(user: user, password: password, mechanism: "PLAIN")
        }
        cms_curl_set_string(curl, CURLOPT_MAIL_FROM, "<\(mail.from)>")
        var recipients: UnsafeMutablePointer<curl_slist>?
        for recipient in mail.recipients { recipients = curl_slist_append(recipients, "<\(recipient)>") }
        defer { curl_slist_free_all(recipients) }
        cms_curl_set_list(curl, CURLOPT_MAIL_RCPT, recipients)
        cms_curl_set_long(curl, CURLOPT_UPLOAD, 1)
        return transfer.perform(server: server.name)
    }

    private static func popLogin(
        _ pop: POP3Endpoint, user: String, password: MailPassword, server: String, timeouts: MailTimeouts
    ) -> Result<[String], MailTransportError> {
        let transfer = Transfer(upload: nil)
        guard let curl = transfer.curl else {
            return .failure(MailTransportError(server: server, stage: .connect, message: "libcurl unavailable"))
        }
        transfer.common(timeouts: timeouts, tls: pop.tls, caFile: pop.caFile)
        cms_curl_set_string(curl, CURLOPT_URL, url(pop.tls == .implicit ? "pop3s" : "pop3", pop.host, pop.port))
        transfer.login(user: user, password: password, mechanism: nil)
        // Only the login matters: list nothing, read no message.
        cms_curl_set_long(curl, CURLOPT_NOBODY, 1)
        return transfer.perform(server: server).mapError { error in
            var error = error
            error.message = "POP3 \(pop.host):\(pop.port): " + error.message
            return error
        }
    }
}

/// One libcurl easy handle with its callbacks' state; lives for one transfer on the mail thread.
private final class Transfer {
    let curl: UnsafeMutableRawPointer?
    let upload: [UInt8]?
    var offset = 0
    var lines: [String] = []
    /// The last line of the server was a continuation (`334` / `+`): what we send next is a credential.
    var awaitingCredential = false
    /// libcurl writes into it during the transfer: a stable allocation, not a Swift array.
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(upload: [UInt8]?) {
        self.curl = curl_easy_init()
        self.upload = upload
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        if let curl { curl_easy_cleanup(curl) }
        errorBuffer.deallocate()
    }

    func common(timeouts: MailTimeouts, tls: MailTLS, caFile: String?) {
        guard let curl else { return }
        let me = Unmanaged.passUnretained(self).toOpaque()
        cms_curl_set_long(curl, CURLOPT_NOSIGNAL, 1)
        cms_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT_MS, Int(timeouts.connect.milliseconds))
        cms_curl_set_long(curl, CURLOPT_TIMEOUT_MS, Int(timeouts.total.milliseconds))
        cms_curl_set_long(curl, CURLOPT_USE_SSL, Int(tls == .starttls ? CURLUSESSL_ALL.rawValue : CURLUSESSL_NONE.rawValue))
        if let caFile { cms_curl_set_string(curl, CURLOPT_CAINFO, caFile) }
        cms_curl_set_long(curl, CURLOPT_SSL_VERIFYPEER, 1)
        cms_curl_set_long(curl, CURLOPT_SSL_VERIFYHOST, 2)
        cms_curl_set_pointer(curl, CURLOPT_ERRORBUFFER, errorBuffer)
        cms_curl_set_long(curl, CURLOPT_VERBOSE, 1)
        cms_curl_set_debug_callback(curl, transferDebug)
        cms_curl_set_pointer(curl, CURLOPT_DEBUGDATA, me)
        cms_curl_set_io_callback(curl, CURLOPT_READFUNCTION, transferRead)
        cms_curl_set_pointer(curl, CURLOPT_READDATA, me)
        cms_curl_set_io_callback(curl, CURLOPT_WRITEFUNCTION, transferWrite)
        cms_curl_set_pointer(curl, CURLOPT_WRITEDATA, me)
    }

    func login(user: String, password: MailPassword, mechanism: String?) {
        guard let curl else { return }
        cms_curl_set_string(curl, CURLOPT_USERNAME, user)
        cms_curl_set_string(curl, CURLOPT_PASSWORD, password.value)
        if let mechanism { cms_curl_set_string(curl, CURLOPT_LOGIN_OPTIONS, "AUTH=\(mechanism)") }
    }

    func perform(server: String) -> Result<[String], MailTransportError> {
        guard let curl else {
            return .failure(MailTransportError(server: server, stage: .connect, message: "libcurl unavailable"))
        }
        let code = curl_easy_perform(curl)
        if code == CURLE_OK { return .success(lines) }
        let detail = String(cString: errorBuffer)
        var message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let reply = lastServerReply
        if let reply, Self.isFailureReply(reply) { message += " (server said: \(reply))" }
        if code == CURLE_USE_SSL_FAILED {
            // The default `tls: starttls` meets a server without TLS (the original product's servers had none).
            message += "; the server offers no STARTTLS, so nothing was sent in clear — give this server `tls: none`"
                + " in mail.yaml only if it really has no TLS, or `tls: implicit` for SMTPS"
        }
        return .failure(
            MailTransportError(server: server, stage: stage(of: code, reply: reply), message: message, dialogue: lines))
    }

    private var lastServerReply: String? {
        lines.last(where: { $0.hasPrefix("S: ") }).map { String($0.dropFirst(3)) }
    }

    private static func isFailureReply(_ line: String) -> Bool {
        line.hasPrefix("4") || line.hasPrefix("5") || line.hasPrefix("-ERR")
    }

    private func stage(of code: CURLcode, reply: String?) -> MailFailureStage {
        switch code {
        case CURLE_LOGIN_DENIED: return .authenticate
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_USE_SSL_FAILED, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER:
            return .tls
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT:
            return .connect
        default:
            // A reply after AUTH that refused us is a login failure, whatever code libcurl chose.
            if let reply, reply.hasPrefix("535") || reply.hasPrefix("-ERR [AUTH]") { return .authenticate }
            return lines.contains(where: { $0.hasPrefix("S: ") }) ? .accept : .connect
        }
    }

    // MARK: Callbacks

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        guard let upload else { return 0 }
        let count = min(capacity, upload.count - offset)
        guard count > 0 else { return 0 }
        upload.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }

    func debug(_ type: curl_infotype, _ text: String) {
        switch type {
        case CURLINFO_HEADER_IN:
            for line in text.split(whereSeparator: { $0.isNewline }) where !line.isEmpty {
                lines.append("S: " + line)
                awaitingCredential = line.hasPrefix("334") || line.hasPrefix("+ ") || line == "+"
            }
        case CURLINFO_HEADER_OUT:
            for line in text.split(whereSeparator: { $0.isNewline }) where !line.isEmpty {
                lines.append("C: " + redacted(String(line)))
                awaitingCredential = false
            }
        default:
            break
        }
    }

    /// Our commands as recorded: the verbs and envelope, never a credential (SASL responses, PASS, AUTH's
    /// initial response).
    private func redacted(_ line: String) -> String {
        if awaitingCredential { return "<credentials>" }
        let words = line.split(separator: " ", maxSplits: 2)
        let verb = words.first.map { $0.uppercased() } ?? ""
        switch verb {
        case "EHLO", "HELO", "MAIL", "RCPT", "DATA", "QUIT", "STARTTLS", "RSET", "NOOP", "CAPA", "STLS", "LIST",
            "STAT", "USER":
            return line
        case "AUTH":
            return words.count > 1 ? "AUTH \(words[1])" + (words.count > 2 ? " <credentials>" : "") : "AUTH"
        case "PASS", "APOP":
            return "\(verb) <credentials>"
        default:
            return "<credentials>"
        }
    }
}

private func transferRead(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let buffer, let userdata else { return 0 }
    return Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue().read(into: buffer, capacity: size * count)
}

/// POP3 LIST output and anything else received as body: discarded.
private func transferWrite(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    size * count
}

private func transferDebug(
    _ curl: UnsafeMutableRawPointer?, _ type: curl_infotype, _ data: UnsafeMutablePointer<CChar>?, _ size: Int,
    _ userdata: UnsafeMutableRawPointer?
) -> Int32 {
    guard let data, let userdata, type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT else { return 0 }
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue().debug(type, text)
    return 0
}

extension Duration {
    fileprivate var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
