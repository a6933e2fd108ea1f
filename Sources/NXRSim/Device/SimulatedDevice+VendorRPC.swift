import Foundation
import NETCONF
import NIOCore

/// The NXR vendor RPCs (namespace ``SimModel/namespace``).
extension SimulatedDevice {
    func handleVendorRPC(session: UInt32, messageID: String?, attributes: [XMLAttribute], operation: XMLElement) {
        let ns = SimModel.namespace
        func leaves(_ pairs: [(String, String)]) {
            self.reply(
                session,
                Reply.body(
                    messageID: messageID, pairs.map { XMLElement($0.0, namespace: ns, text: $0.1) },
                    attributes: attributes))
        }
        func fail(_ error: RPCError) {
            self.reply(session, Reply.errors(messageID: messageID, [error], attributes: attributes))
        }
        func ok() {
            self.reply(session, Reply.ok(messageID: messageID, attributes: attributes))
        }
        let argument = { (name: String) -> String? in operation.child(name)?.text.trimmed }
        func number(_ name: String, default value: Int, in range: ClosedRange<Int>) -> Int? {
            guard let text = argument(name) else { return value }
            guard let parsed = Int(text), range.contains(parsed) else {
                fail(
                    ServerError.invalidValue(
                        "\(operation.name) \(name) must be \(range.lowerBound)-\(range.upperBound), not '\(text)'"))
                return nil
            }
            return parsed
        }
        switch operation.name {
        case "reboot":
            guard let delay = number("delay", default: 0, in: 0...3600) else { return }
            ok()
            self.log("netconf: reboot requested by session \(session) (delay \(delay) s)")
            self.eventLoop.scheduleTask(in: .milliseconds(Int64(delay) * 1000 + 100)) {
                self.reboot(reason: "netconf reboot")
            }
        case "show", "ping", "traceroute", "packet-dump", "get-syslog":
            switch DiagnosticText.reply(to: operation, self.diagnosticFacts()) {
            case .success(let body)?: self.reply(session, Reply.body(messageID: messageID, body, attributes: attributes))
            case .failure(let error)?: fail(error)
            case nil: fail(ServerError.operationNotSupported(operation.name))
            }
        case "config-backup":
            let format = argument("format") ?? "xml"
            let content: [UInt8]
            let xml = Array(XML.serialize(self.engine.running, pretty: true, declaration: true).utf8)
            switch format {
            case "xml": content = xml
            case "show-config": content = Array(Self.showConfig(self.engine.running).utf8)
            case "tgz": content = ConfigArchive.pack(xml, modified: Int(self.clock.now().timeIntervalSince1970))
            default:
                fail(ServerError.invalidValue("config-backup format must be xml, tgz or show-config, not '\(format)'"))
                return
            }
            if let url = argument("url") {
                let transfer: SFTPTransfer
                do {
                    transfer = try SFTPTransfer(url: url, password: operation.child("password")?.text ?? "")
                } catch {
                    fail(ServerError.invalidValue("config-backup url: \(error)"))
                    return
                }
                self.log("netconf: config-backup (\(format)) to \(transfer.redacted)")
                transfer.upload(content, on: self.eventLoop).whenComplete { result in
                    var answer = [XMLElement("transfer", namespace: ns, text: "done")]
                    switch result {
                    case .success(let done):
                        self.log("netconf: config-backup uploaded; sftp host key \(done.hostKey) trusted")
                    case .failure(let error):
                        self.log("netconf: config-backup transfer failed: \(error)")
                        answer = [
                            XMLElement("transfer", namespace: ns, text: "failed"),
                            XMLElement("message", namespace: ns, text: "\(error)"),
                        ]
                    }
                    self.reply(session, Reply.body(messageID: messageID, answer, attributes: attributes))
                }
                return
            }
            leaves([("content", Data(content).base64EncodedString())])
        case "config-restore":
            self.configRestore(operation, session: session, messageID: messageID, attributes: attributes)
        case "firmware-update":
            self.firmwareUpdate(operation, session: session, messageID: messageID, attributes: attributes)
        case "get-ipsec-status":
            let only = argument("policy")
            self.reply(
                session,
                Reply.body(
                    messageID: messageID, self.ipsecStatus().filter { only == nil || $0.child("name")?.text == only },
                    attributes: attributes))
        default:
            fail(ServerError.operationNotSupported(operation.name))
        }
    }

    /// What the diagnostic commands read (docs/diagnostics.md).
    func diagnosticFacts() -> DiagnosticText.Facts {
        DiagnosticText.Facts(
            identity: self.settings.identity, address: self.settings.address,
            state: self.operationalState(running: self.engine.running), running: self.engine.running,
            syslog: self.syslog, uptime: Int(self.clock.now().timeIntervalSince(self.bootedAt)),
            techSupportBytes: self.faults.techSupportBytes)
    }

    /// The running config in the NXR's `show config` text form.
    static func showConfig(_ root: XMLElement) -> String {
        var lines: [String] = ["!", "! Century Systems NXR", "!"]
        func walk(_ element: XMLElement, indent: String) {
            if element.elements.isEmpty {
                lines.append("\(indent)\(element.name) \(element.text.trimmed)")
                return
            }
            let key = ConfigTree.key(of: element).map { " \($0)" } ?? ""
            lines.append("\(indent)\(element.name)\(key)")
            for child in element.elements where !(key.isEmpty == false && child.name == "name") {
                walk(child, indent: indent + " ")
            }
            lines.append("\(indent)exit")
        }
        for element in root.elements { walk(element, indent: "") }
        lines.append("!")
        return lines.joined(separator: "\n") + "\n"
    }

    func configRestore(_ operation: XMLElement, session: UInt32, messageID: String?, attributes: [XMLAttribute]) {
        let fail = { (error: RPCError) in
            self.reply(session, Reply.errors(messageID: messageID, [error], attributes: attributes))
        }
        let format = operation.child("format")?.text.trimmed ?? "xml"
        guard format == "xml" || format == "tgz" || format == "show-config" else {
            fail(ServerError.invalidValue("config-restore format must be xml, tgz or show-config, not '\(format)'"))
            return
        }
        let ns = SimModel.namespace
        if let url = operation.child("url")?.text.trimmed {
            let transfer: SFTPTransfer
            do {
                transfer = try SFTPTransfer(url: url, password: operation.child("password")?.text ?? "")
            } catch {
                fail(ServerError.invalidValue("config-restore url: \(error)"))
                return
            }
            self.log("netconf: config-restore (\(format)) from \(transfer.redacted)")
            transfer.download(on: self.eventLoop, maxBytes: 16 << 20).whenComplete { result in
                switch result {
                case .success(let done):
                    self.log("netconf: config-restore downloaded; sftp host key \(done.hostKey) trusted")
                    self.restore(
                        done.bytes, format: format, save: operation.child("save")?.text.trimmed != "false",
                        session: session, messageID: messageID, attributes: attributes)
                case .failure(let error):
                    self.log("netconf: config-restore transfer failed: \(error)")
                    self.reply(
                        session,
                        Reply.body(
                            messageID: messageID,
                            [
                                XMLElement("transfer", namespace: ns, text: "failed"),
                                XMLElement("rebooting", namespace: ns, text: "false"),
                                XMLElement("message", namespace: ns, text: "\(error)"),
                            ],
                            attributes: attributes))
                }
            }
            return
        }
        guard let encoded = operation.child("content")?.text.trimmed, !encoded.isEmpty else {
            fail(ServerError.missingElement("content", in: "config-restore"))
            return
        }
        guard let decoded = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
            fail(ServerError.invalidValue("config-restore content is not base64"))
            return
        }
        self.restore(
            Array(decoded), format: format, save: operation.child("save")?.text.trimmed != "false",
            session: session, messageID: messageID, attributes: attributes)
    }

    /// Checks and applies a restored file (xml, tgz or show-config), answers, and reboots into it.
    private func restore(
        _ file: [UInt8], format: String, save: Bool, session: UInt32, messageID: String?, attributes: [XMLAttribute]
    ) {
        let fail = { (error: RPCError) in
            self.reply(session, Reply.errors(messageID: messageID, [error], attributes: attributes))
        }
        var xml = file
        if format == "tgz" {
            do {
                xml = try ConfigArchive.unpack(xml)
            } catch {
                fail(ServerError.invalidValue("the tgz archive cannot be read: \(error)"))
                return
            }
        }
        let root: XMLElement
        if format == "show-config" {
            do {
                let nodes = try ShowConfigText.parse(String(decoding: file, as: UTF8.self), namespace: SimModel.namespace)
                root = XMLElement("config", namespace: NETCONFNamespace.base, children: nodes.map { .element($0) })
            } catch {
                fail(ServerError.invalidValue("the show-config text cannot be read: \(error)"))
                return
            }
        } else {
            do {
                root = try XML.parse(xml)
            } catch {
                fail(ServerError.invalidValue("the restored config is not XML: \(error)"))
                return
            }
        }
        guard root.name == "data" || root.name == "config" else {
            fail(ServerError.invalidValue("the restored config's root must be <data> or <config>, not <\(root.name)>"))
            return
        }
        var data = ConfigTree.emptyRoot()
        data.children = root.elements.map { .element($0) }
        let errors = self.engine.configuration.validator.validate(datastore: data)
        guard errors.isEmpty else {
            fail(errors[0])
            return
        }
        let ns = SimModel.namespace
        self.reply(
            session,
            Reply.body(
                messageID: messageID,
                [
                    XMLElement("transfer", namespace: ns, text: "done"),
                    XMLElement("rebooting", namespace: ns, text: "true"),
                ],
                attributes: attributes))
        var actions = self.engine.replaceRunning(data, now: self.clock.now(), changedBy: session)
        if save { actions += self.engine.replaceStartup(data) }
        self.perform(actions)
        self.log("netconf: configuration restored; rebooting")
        self.eventLoop.scheduleTask(in: .milliseconds(100)) { self.reboot(reason: "config-restore") }
    }
}
