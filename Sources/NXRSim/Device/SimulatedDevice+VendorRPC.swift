import Foundation
import NETCONF
import NIOCore

/// The NXR vendor RPCs (namespace ``SimModel/namespace``).
extension SimulatedDevice {
    func handleVendorRPC(session: UInt32, messageID: String?, attributes: [XMLAttribute], operation: XMLElement) {
        let ns = SimModel.namespace
        func output(_ text: String) {
            self.reply(session, Reply.body(
                messageID: messageID, [XMLElement("output", namespace: ns, text: text)], attributes: attributes))
        }
        func fail(_ error: RPCError) {
            self.reply(session, Reply.errors(messageID: messageID, [error], attributes: attributes))
        }
        func ok() {
            self.reply(session, Reply.ok(messageID: messageID, attributes: attributes))
        }
        let argument = { (name: String) -> String? in operation.child(name)?.text.trimmed }
        switch operation.name {
        case "reboot":
            ok()
            self.log("netconf: reboot requested by session \(session)")
            self.eventLoop.scheduleTask(in: .milliseconds(100)) { self.reboot(reason: "netconf reboot") }
        case "show":
            let args = argument("args") ?? argument("command") ?? ""
            switch self.show(args) {
            case .success(let text): output(text)
            case .failure(let error): fail(error)
            }
        case "ping":
            guard let destination = argument("destination"), !destination.isEmpty else {
                fail(ServerError.missingElement("destination", in: "ping"))
                return
            }
            let count = Int(argument("count") ?? "5") ?? 5
            guard (1...60).contains(count) else {
                fail(ServerError.invalidValue("ping count must be 1-60, not \(count)"))
                return
            }
            output(Self.pingOutput(destination: destination, count: count, seed: self.name))
        case "traceroute":
            guard let destination = argument("destination"), !destination.isEmpty else {
                fail(ServerError.missingElement("destination", in: "traceroute"))
                return
            }
            output("traceroute to \(destination), 30 hops max, 60 byte packets\n 1  \(destination)  0.412 ms  0.388 ms  0.371 ms\n")
        case "get-syslog":
            output(self.syslog.joined(separator: "\n") + "\n")
        case "config-backup":
            let format = argument("format") ?? "xml"
            switch format {
            case "xml":
                output(XML.serialize(self.engine.running, pretty: true, declaration: true))
            case "show-config":
                output(Self.showConfig(self.engine.running))
            default:
                fail(ServerError.invalidValue("config-backup format '\(format)' is not supported here; use xml or show-config"))
            }
        case "config-restore":
            self.configRestore(operation, session: session, messageID: messageID, attributes: attributes)
        case "firmware-update":
            self.firmwareUpdate(operation, session: session, messageID: messageID, attributes: attributes)
        case "get-ipsec-status":
            self.reply(session, Reply.body(messageID: messageID, [self.ipsecStatus()], attributes: attributes))
        default:
            fail(ServerError.operationNotSupported(operation.name))
        }
    }

    func show(_ args: String) -> Result<String, RPCError> {
        let identity = self.settings.identity
        let words = args.split(separator: " ").map(String.init)
        switch words.first {
        case "config":
            return .success(Self.showConfig(self.engine.running))
        case "version":
            return .success("Century Systems \(identity.product) Series ver \(identity.firmwareVersion)\nSerial: \(identity.serial)\n")
        case "uptime":
            let up = Int(self.clock.now().timeIntervalSince(self.bootedAt))
            return .success("up \(up / 86400) days, \(up % 86400 / 3600):\(String(format: "%02d", up % 3600 / 60))\n")
        case "interface":
            let lines = self.operationalState()[1].elements.map { interface in
                "\(interface.child("name")?.text ?? "?") is up\n  IPv4 address: \(interface.child("ipv4-address")?.text ?? "-")"
            }
            return .success(lines.joined(separator: "\n") + "\n")
        case "ip":
            return .success("Codes: K - kernel, C - connected, S - static\nC>* 127.0.0.0/8 is directly connected, lo\n")
        case "syslog":
            return .success(self.syslog.joined(separator: "\n") + "\n")
        default:
            return .failure(ServerError.invalidValue("% Invalid input detected: show \(args)"))
        }
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

    static func pingOutput(destination: String, count: Int, seed: String) -> String {
        var lines = ["PING \(destination) (\(destination)) 56(84) bytes of data."]
        let base = Double(seed.utf8.reduce(0) { ($0 &+ Int($1)) % 97 }) / 100 + 0.3
        for sequence in 1...count {
            lines.append("64 bytes from \(destination): icmp_seq=\(sequence) ttl=64 time=\(String(format: "%.3f", base + Double(sequence % 5) / 50)) ms")
        }
        lines.append("")
        lines.append("--- \(destination) ping statistics ---")
        lines.append("\(count) packets transmitted, \(count) received, 0% packet loss, time \(count * 1000 - 999)ms")
        return lines.joined(separator: "\n") + "\n"
    }

    func configRestore(_ operation: XMLElement, session: UInt32, messageID: String?, attributes: [XMLAttribute]) {
        let format = operation.child("format")?.text.trimmed ?? "xml"
        guard format == "xml" else {
            self.reply(session, Reply.errors(messageID: messageID, [ServerError.invalidValue("config-restore format '\(format)' is not supported here; use xml")], attributes: attributes))
            return
        }
        guard let content = operation.child("content")?.text, !content.trimmed.isEmpty else {
            self.reply(session, Reply.errors(messageID: messageID, [ServerError.missingElement("content", in: "config-restore")], attributes: attributes))
            return
        }
        let root: XMLElement
        do {
            root = try XML.parse(content)
        } catch {
            self.reply(session, Reply.errors(messageID: messageID, [ServerError.invalidValue("the restored config is not XML: \(error)")], attributes: attributes))
            return
        }
        guard root.name == "data" || root.name == "config" else {
            self.reply(session, Reply.errors(messageID: messageID, [ServerError.invalidValue("the restored config's root must be <data> or <config>")], attributes: attributes))
            return
        }
        var data = ConfigTree.emptyRoot()
        data.children = root.elements.map { .element($0) }
        let errors = SimModel.validate(data)
        guard errors.isEmpty else {
            self.reply(session, Reply.errors(messageID: messageID, errors, attributes: attributes))
            return
        }
        self.reply(session, Reply.ok(messageID: messageID, attributes: attributes))
        var actions = self.engine.replaceRunning(data, now: self.clock.now(), changedBy: session)
        if operation.child("save") != nil { actions += self.engine.replaceStartup(data) }
        self.perform(actions)
        self.log("netconf: configuration restored; rebooting")
        self.eventLoop.scheduleTask(in: .milliseconds(100)) { self.reboot(reason: "config-restore") }
    }
}
