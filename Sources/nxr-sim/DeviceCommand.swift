import ArgumentParser
import Foundation
import NXRSim

/// `nxr-sim device`: one simulated router.
struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "device", abstract: "Run one simulated NXR.")

    @Option(help: "The device code (crp cpe-id), or an 11-digit serial.")
    var code: String

    @Option(help: "The product: NXR-120, NXR-125, NXR-130, NXR-155, NXR-230, NXR-350 or NXR-1200.")
    var product: String = "NXR-120"

    @Option(help: "The loopback address to listen on.")
    var address: String = "127.0.0.2"

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard LoopbackAddress.isLoopback(self.address) else {
            throw ValidationError("--address must be a loopback address (127.0.0.0/8), not \(self.address)")
        }
        guard DeviceIdentity.products[self.product] != nil else {
            throw ValidationError("unknown --product \(self.product)")
        }
    }

    func run() async throws {
        let settings = try FleetPlan.single(
            code: self.code, tenant: self.common.tenant, product: self.product, address: self.address,
            port: self.common.port, stateDirectory: URL(fileURLWithPath: self.common.stateDir),
            authorized: try self.common.authorized(), crpServer: self.common.crpServer,
            firmwareVersion: self.common.firmware)
        try await self.common.run([settings])
    }
}
