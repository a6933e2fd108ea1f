import Foundation
import NETCONF
import Testing
@testable import NXRSim

/// What the simulator serves must validate against schemas/nxr.yang (yanglint from libyang2-tools).
@Suite struct YangConformanceTests {
    static let module = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../schemas/nxr.yang").standardizedFileURL.path

    func yanglint(_ type: String, _ elements: [XMLElement]) throws -> (Int32, String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("yang-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: file) }
        try elements.map { XML.serialize($0) }.joined(separator: "\n").write(
            to: file, atomically: true, encoding: .utf8)
        let result = try Shell.run("/usr/bin/yanglint", ["-t", type, Self.module, file.path])
        return (result.status, result.stdout + result.stderr)
    }

    @Test func theFactoryConfigIsValidConfig() throws {
        let identity = DeviceIdentity(
            deviceCode: "tokyo1", tenant: "century", product: "NXR-120", serial: "01234567890", hostname: "nxr-tokyo1",
            firmwareVersion: "21.7.3")
        let config = SimModel.defaultConfig(
            identity: identity, address: "127.0.0.2", port: 830, crpServer: "127.0.0.1:10625")
        let (status, output) = try self.yanglint("config", config.elements)
        #expect(status == 0 && output.isEmpty, "yanglint: \(output)")
    }

    @Test func getRepliesAreValidData() throws {
        let identity = DeviceIdentity(
            deviceCode: nil, tenant: "century", product: "NXR-1200", serial: "01234567890", hostname: "nxr-x",
            firmwareVersion: "21.7.3")
        let running = SimModel.defaultConfig(identity: identity, address: "127.0.0.3", port: 830, crpServer: nil)
        var engine = NETCONFServerEngine(configuration: .init(validator: SimModel.validator), running: running)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let (session, _) = engine.open(now: now)
        _ = engine.receive(
            session, FrameEncoder.frame(Hello(capabilities: [Capability.base10]).serialize(), mode: .endOfMessage),
            now: now)
        let rpc = Array("<rpc message-id=\"1\" xmlns=\"\(NETCONFNamespace.base)\"><get/></rpc>".utf8)
        let actions = engine.receive(session, FrameEncoder.frame(rpc, mode: .endOfMessage), now: now) { running in
            SimModel.state(
                identity: identity, uptime: 4242, bootID: 3, address: "127.0.0.3", running: running, now: now)
        }
        guard case .send(_, let bytes) = actions.first else {
            Issue.record("no reply")
            return
        }
        var decoder = FrameDecoder()
        let message = try #require(try decoder.feed(bytes).first)
        guard case .reply(let reply) = try RPCReply.parse(message), let data = reply.data else {
            Issue.record("not a data reply")
            return
        }
        #expect(data.child("system", namespace: SimModel.namespace)?.child("state")?.child("uptime")?.text == "4242")
        let (status, output) = try self.yanglint("data", data.elements)
        #expect(status == 0 && output.isEmpty, "yanglint: \(output)")
    }
}
