import Foundation
import NETCONF
@testable import NXRSim

/// Drives a ``NETCONFServerEngine`` with no sockets: opens sessions, sends RPCs, decodes what comes back.
struct EngineHarness {
    static let ns = SimModel.namespace
    var engine: NETCONFServerEngine
    var now = Date(timeIntervalSince1970: 1_800_000_000)
    var decoders: [UInt32: FrameDecoder] = [:]
    var closed: Set<UInt32> = []
    var runningChanges = 0
    var vendorCalls: [(UInt32, XMLElement)] = []
    var notifications: [UInt32: [NETCONF.Notification]] = [:]
    var crashed = false
    var messageID = 0

    init(config: String = EngineHarness.defaultConfig) throws {
        let root = try XML.parse("<data xmlns=\"\(NETCONFNamespace.base)\">\(config)</data>")
        self.engine = NETCONFServerEngine(
            configuration: .init(validator: SimModel.validator, vendorNamespaces: [SimModel.namespace]), running: root)
    }

    static let defaultConfig = """
        <system xmlns="\(ns)"><hostname>nxr1</hostname></system>\
        <interfaces xmlns="\(ns)"><interface><name>ethernet0</name><ipv4><address><ip>192.168.0.254</ip>\
        <prefix-length>24</prefix-length></address></ipv4></interface>\
        <interface><name>ethernet1</name><ipv4><dhcp/></ipv4></interface></interfaces>
        """

    /// Opens a session and exchanges hellos; returns its id and the server hello.
    mutating func open(base11: Bool = false) throws -> (UInt32, Hello) {
        let (id, actions) = self.engine.open(now: self.now)
        var decoder = FrameDecoder(mode: .endOfMessage)
        var hello: Hello?
        for case .send(_, let bytes) in actions {
            for message in try decoder.feed(bytes) { hello = try Hello.parse(message) }
        }
        let caps = base11 ? [Capability.base10, Capability.base11] : [Capability.base10]
        let clientHello = Hello(capabilities: caps).serialize()
        self.consume(self.engine.receive(id, FrameEncoder.frame(clientHello, mode: .endOfMessage), now: self.now))
        if base11 { decoder.mode = .chunked }
        self.decoders[id] = decoder
        guard let hello else { throw Shell.Failure(description: "no server hello") }
        return (id, hello)
    }

    /// Sends one RPC (operation XML in the base namespace unless it says otherwise); returns the reply.
    @discardableResult
    mutating func rpc(_ session: UInt32, _ operation: String) throws -> RPCReply? {
        self.messageID += 1
        let text = "<rpc message-id=\"\(self.messageID)\" xmlns=\"\(NETCONFNamespace.base)\">\(operation)</rpc>"
        return try self.raw(session, Array(text.utf8))
    }

    mutating func raw(_ session: UInt32, _ message: [UInt8]) throws -> RPCReply? {
        let mode = self.decoders[session]?.mode ?? .endOfMessage
        let actions = self.engine.receive(
            session, FrameEncoder.frame(message, mode: mode), now: self.now,
            operational: { _ in
                [
                    XMLElement(
                        "system", namespace: Self.ns,
                        elements: [
                            XMLElement(
                                "state", namespace: Self.ns,
                                elements: [XMLElement("serial", namespace: Self.ns, text: "12345678901")])
                        ])
                ]
            })
        return try self.consume(actions)[session]
    }

    /// Applies actions; returns the last reply per session.
    @discardableResult
    mutating func consume(_ actions: [NETCONFServerEngine.Action]) -> [UInt32: RPCReply] {
        var replies: [UInt32: RPCReply] = [:]
        for action in actions {
            switch action {
            case .send(let session, let bytes):
                guard var decoder = self.decoders[session] else { continue }
                for message in (try? decoder.feed(bytes)) ?? [] {
                    switch try? RPCReply.parse(message) {
                    case .reply(let reply): replies[session] = reply
                    case .notification(let note): self.notifications[session, default: []].append(note)
                    case nil: break
                    }
                }
                self.decoders[session] = decoder
            case .close(let session):
                self.closed.insert(session)
            case .runningChanged:
                self.runningChanges += 1
            case .startupChanged:
                break
            case .vendorRPC(let session, _, _, let operation):
                self.vendorCalls.append((session, operation))
            case .crash:
                self.crashed = true
            }
        }
        return replies
    }

    mutating func end(_ session: UInt32) {
        self.consume(self.engine.end(session, now: self.now))
    }

    mutating func advance(_ seconds: TimeInterval) {
        self.now = self.now.addingTimeInterval(seconds)
        self.consume(self.engine.tick(now: self.now))
    }

    func hostname(_ root: XMLElement) -> String? {
        root.child("system", namespace: Self.ns)?.child("hostname")?.text
    }

    static func edit(_ target: String, _ config: String, options: String = "") -> String {
        "<edit-config><target><\(target)/></target>\(options)<config>\(config)</config></edit-config>"
    }

    static func setHostname(_ name: String) -> String {
        "<system xmlns=\"\(ns)\"><hostname>\(name)</hostname></system>"
    }
}
