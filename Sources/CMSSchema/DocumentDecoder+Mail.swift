import CMSModel
import Yams

extension DocumentDecoder {
    static let mailKeys = ["subject", "minInterval", "servers", "addressBook", "monitorRecipients", "calm"]
    static let serverKeys = ["name", "host", "port", "from", "auth", "user", "password", "pop", "tls", "caFile"]

    static func decodeMail(_ root: Node, _ reader: DocumentReader) -> Mail? {
        guard let f = Fields(root, path: "", allowed: header(mailKeys), reader: reader) else { return nil }
        let limits = reader.limits
        var mail = Mail()
        mail.subject = f.string("subject", maxLength: 64) ?? ""
        if let subject = f.node("subject")?.scalar?.string, subject.contains("\n") || subject.contains("\r") {
            reader.report(.fieldType, at: f.position(of: "subject"), "`subject` must be one line")
        }
        mail.minInterval = f.int("minInterval", range: 30...3600) ?? 300
        if let list = f.sequence("servers", required: true) {
            if list.isEmpty {
                reader.report(.fieldRequired, at: f.position(of: "servers"), "`servers` needs at least one SMTP server")
            }
            if list.count > limits.smtpServers {
                reader.report(
                    .limitSMTPServers, at: f.position(of: "servers"),
                    "\(list.count) SMTP servers; at most \(limits.smtpServers) are allowed")
            }
            for (index, node) in list.enumerated() {
                if let server = decodeServer(node, path: "servers[\(index)]", reader) { mail.servers.append(server) }
            }
        }
        var names: Set<String> = []
        if let list = f.sequence("addressBook") {
            if list.count > limits.addressBookEntries {
                reader.report(
                    .limitAddressBook, at: f.position(of: "addressBook"),
                    "\(list.count) address book entries; at most \(limits.addressBookEntries) are allowed")
            }
            for (index, node) in list.enumerated() {
                guard let e = Fields(node, path: "addressBook[\(index)]", allowed: ["name", "address"], reader: reader)
                else { continue }
                let name = e.string("name", required: true, maxLength: 32, nonEmpty: true)
                let address = e.string("address", required: true, maxLength: 64)
                if let address, !Formats.isMailAddress(address) {
                    reader.report(
                        .mailAddressFormat, at: e.position(of: "address"), "`\(address)` is not a mail address")
                }
                guard let name, let address else { continue }
                if !names.insert(name).inserted {
                    reader.report(
                        .mailDuplicateContact, at: e.position(of: "name"), "address book name `\(name)` is used twice")
                }
                mail.addressBook.append(Mail.Contact(name: name, address: address))
            }
        }
        if let list = f.sequence("monitorRecipients") {
            if list.count > limits.monitorRecipients {
                reader.report(
                    .limitMonitorRecipients, at: f.position(of: "monitorRecipients"),
                    "\(list.count) monitor recipients; at most \(limits.monitorRecipients) are allowed")
            }
            for node in list {
                guard case .scalar(let scalar) = node else {
                    reader.report(.fieldType, at: node.position, "a monitor recipient is an address book name")
                    continue
                }
                if !names.contains(scalar.string) {
                    let suggestion = Suggest.closest(to: scalar.string, in: Array(names).sorted())
                    reader.report(
                        .mailRecipientUnknown, at: node.position,
                        "monitor recipient `\(scalar.string)` is not in the address book"
                            + (suggestion.map { "; did you mean `\($0)`?" } ?? ""))
                }
                mail.monitorRecipients.append(scalar.string)
            }
        }
        f.record("monitorRecipients")
        if let c = f.mapping("calm", allowed: ["enabled", "flapping", "massOutage"]) {
            mail.calm.enabled = c.bool("enabled") ?? true
            mail.calm.flapping = c.int("flapping", range: 2...100) ?? 3
            mail.calm.massOutage = c.int("massOutage", range: 2...100_000) ?? 10
        }
        return mail
    }

    private static func decodeServer(_ node: Node, path: String, _ reader: DocumentReader) -> Mail.Server? {
        guard let s = Fields(node, path: path, allowed: serverKeys, reader: reader) else { return nil }
        let name = s.string("name", required: true, maxLength: 32, nonEmpty: true)
        let host = s.string("host", required: true, maxLength: 255, nonEmpty: true)
        let port = s.int("port", required: true, range: 1...65535)
        let from = s.string("from", required: true, maxLength: 64)
        if let from, !Formats.isMailAddress(from) {
            reader.report(.mailAddressFormat, at: s.position(of: "from"), "`\(from)` is not a mail address")
        }
        let auth = s.enumeration("auth", Mail.Server.Auth.self) ?? .none
        let user = s.string("user", maxLength: 255)
        if let user, !user.unicodeScalars.allSatisfy({ $0.isASCII }) {
            reader.report(.fieldType, at: s.position(of: "user"), "`\(path).user` must be ASCII")
        }
        let password = s.secret("password")
        let tls = s.enumeration("tls", Mail.Server.TLS.self) ?? .starttls
        let caFile = s.string("caFile", maxLength: 1024)
        if let caFile, !caFile.hasPrefix("/") {
            reader.report(
                .fieldType, at: s.position(of: "caFile"), "`\(path).caFile` must be an absolute path on the cmsd host",
                hint: "e.g. /etc/cms/mail-ca.pem")
        }
        var pop: Mail.Server.POP?
        if let p = s.mapping("pop", allowed: ["host", "port", "tls"]) {
            let host = p.string("host", required: true, maxLength: 255, nonEmpty: true)
            let popTLS = p.enumeration("tls", Mail.Server.TLS.self) ?? .starttls
            let port = p.int("port", range: 1...65535) ?? (popTLS == .implicit ? 995 : 110)
            if let host { pop = Mail.Server.POP(host: host, port: port, tls: popTLS) }
        }
        switch auth {
        case .none:
            for key in ["user", "password", "pop"] where s.has(key) {
                reader.report(
                    .mailAuthFields, at: s.keyPosition(of: key), "`\(path).\(key)` is unused with auth: none",
                    hint: "set auth: login, plain or pop-before-smtp, or remove it")
            }
        case .login, .plain, .popBeforeSMTP:
            let absent = ["user", "password"].filter { !s.has($0) }
            if !absent.isEmpty {
                reader.report(
                    .mailAuthFields, at: s.position(of: "auth"),
                    "auth: \(auth.rawValue) needs " + absent.map { "`\(path).\($0)`" }.joined(separator: " and "))
            }
            if auth == .popBeforeSMTP && !s.has("pop") {
                reader.report(
                    .mailAuthFields, at: s.keyPosition(of: "auth"), "auth: pop-before-smtp needs `\(path).pop`")
            } else if auth != .popBeforeSMTP && s.has("pop") {
                reader.report(
                    .mailAuthFields, at: s.keyPosition(of: "pop"),
                    "`\(path).pop` is used only with auth: pop-before-smtp")
            }
        }
        guard let name, let host, let port, let from else { return nil }
        return Mail.Server(
            name: name, host: host, port: port, from: from, auth: auth, user: user, password: password, pop: pop,
            tls: tls, caFile: caFile)
    }
}
