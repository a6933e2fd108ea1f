import Foundation
import NETCONF
import Testing
@testable import NXRSim

/// What cmsd sends must pass the simulator's YANG validation: every baseline of the example tenant repository,
/// as an edit and merged onto a factory configuration as a whole datastore.
@Suite struct YANGPayloadTests {
    static let configs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples/tenant-repo/configs").standardizedFileURL

    static var baselines: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Self.configs.path)) ?? []
        return names.sorted().filter {
            FileManager.default.fileExists(atPath: Self.configs.appendingPathComponent("\($0)/baseline.xml").path)
        }
    }

    @Test func theExampleRepositoryHasBaselines() {
        #expect(!Self.baselines.isEmpty)
    }

    @Test(arguments: baselines)
    func exampleBaselineValidates(_ device: String) throws {
        let file = Self.configs.appendingPathComponent("\(device)/baseline.xml")
        let config = try XML.parse(try String(contentsOf: file, encoding: .utf8))
        #expect(YANGValidator.shared.validate(edit: config.elements) == [])
        let identity = DeviceIdentity(
            deviceCode: device, tenant: "century", product: "NXR-120", serial: "01234567890", hostname: "nxr-x",
            firmwareVersion: "21.7.3")
        var root = SimModel.defaultConfig(identity: identity, address: "127.0.0.2", port: 830, crpServer: nil)
        let errors = ConfigEdit.apply(config.elements, to: &root, defaultOperation: .merge, errorOption: .stopOnError)
        #expect(errors == [])
        #expect(YANGValidator.shared.validate(datastore: root) == [])
    }
}
