import Foundation
import NETCONF
import NXRSim
import Testing

/// One simulated NXR's NETCONF server (nxr-sim's engine, no sockets): parts' edits are applied with a real
/// `<edit-config>` and read back with `<get-config>` and the part's subtree filter, as the reconciler does.
struct SimEngine {
    var engine: NETCONFServerEngine
    let session: UInt32
    var decoder = FrameDecoder(mode: .endOfMessage)
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    var messageID = 0

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A factory-configured device; `ipsec` (nxr-namespace `<ike-policy>`/`<ipsec-policy>` elements) is merged in
    /// first by an edit-config, or with `byHand` out of band (entries the YANG model would refuse).
    init(ipsec: [XMLElement] = [], byHand: Bool = false) throws {
        let identity = DeviceIdentity(
            deviceCode: "a", tenant: "century", product: "NXR-120", serial: "01234567890", hostname: "nxr-a",
            firmwareVersion: "21.7.3")
        let running = SimModel.defaultConfig(identity: identity, address: "127.0.0.2", port: 830, crpServer: nil)
        engine = NETCONFServerEngine(
            configuration: .init(validator: SimModel.validator, vendorNamespaces: [SimModel.namespace]), running: running
        )
        let (id, _) = engine.open(now: now)
        session = id
        _ = engine.receive(
            id, FrameEncoder.frame(Hello(capabilities: [Capability.base10]).serialize(), mode: .endOfMessage), now: now)
        if !ipsec.isEmpty && !byHand {
            try edit([XMLElement("ipsec", namespace: SimModel.namespace, elements: ipsec)])
        } else if !ipsec.isEmpty {
            // Configured by hand, out of band: such entries may be ones the model cannot read (tests of
            // unreadable entries), which an edit-config would refuse.
            var root = engine.running
            let errors = ConfigEdit.apply([XMLElement("ipsec", namespace: SimModel.namespace, elements: ipsec)], to: &root)
            guard errors.isEmpty else { throw Failure(description: "seeding refused: \(errors)") }
            _ = engine.replaceRunning(root, now: now)
        }
    }

    /// Sends one operation and returns its reply.
    mutating func rpc(_ operation: XMLElement) throws -> RPCReply {
        messageID += 1
        let bytes = RPC.envelope(messageID: String(messageID), operation: operation)
        let actions = engine.receive(session, FrameEncoder.frame(bytes, mode: .endOfMessage), now: now)
        for case .send(_, let out) in actions {
            for message in try decoder.feed(out) {
                if case .reply(let reply) = try RPCReply.parse(message) { return reply }
            }
        }
        throw Failure(description: "no reply to \(operation.name)")
    }

    /// `<edit-config>` on running with default operation merge; throws the device's rpc-error.
    mutating func edit(_ config: [XMLElement]) throws {
        let reply = try rpc(
            Operation.editConfig(
                target: .running, config: XMLElement("config", namespace: NETCONFNamespace.base, elements: config),
                defaultOperation: .merge))
        if let error = reply.errors.first { throw Failure(description: "edit-config refused: \(error)") }
    }

    /// `<get-config>` of running with a subtree filter made of `filter`; the children of `<data>`.
    mutating func read(_ filter: [XMLElement]) throws -> [XMLElement] {
        let reply = try rpc(
            Operation.getConfig(source: .running, filter: filter.first.map { Filter.subtree($0) }))
        if let error = reply.errors.first { throw Failure(description: "get-config refused: \(error)") }
        return reply.data?.elements ?? []
    }
}
