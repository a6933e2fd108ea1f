import ArgumentParser
import Foundation
import NXRSim

/// `nxr-sim fleet`: many simulated routers in one process.
struct FleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet", abstract: "Run N simulated NXRs, each on its own loopback address.")

    @Option(help: "How many devices (ignored with --from-repo).")
    var count: Int = 10

    @Option(help: "Addresses start after this one: 127.1.0.0 gives 127.1.0.1, 127.1.0.2, …")
    var prefix: String = "127.1.0.0"

    @Option(name: .customLong("code-prefix"), help: "Device codes are this plus a number.")
    var codePrefix: String = "sim"

    @Option(help: "The product of every device (ignored with --from-repo).")
    var product: String = "NXR-120"

    @Option(name: .customLong("from-repo"), help: "Take the devices from a tenant repository's Device documents.")
    var fromRepo: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard LoopbackAddress.octets(self.prefix)?.first == 127 else {
            throw ValidationError("--prefix must be an address in 127.0.0.0/8, not \(self.prefix)")
        }
        guard self.count >= 1 else { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let stateRoot = URL(fileURLWithPath: self.common.stateDir)
        let authorized = try self.common.authorized()
        let settings: [SimulatedDevice.Settings]
        if let fromRepo {
            settings = try FleetPlan.fromRepo(
                URL(fileURLWithPath: fromRepo), prefix: self.prefix, port: self.common.port, stateRoot: stateRoot,
                authorized: authorized, crpServer: self.common.crpServer, firmwareVersion: self.common.firmware)
        } else {
            settings = try FleetPlan.fromCount(
                count: self.count, prefix: self.prefix, codePrefix: self.codePrefix, tenant: self.common.tenant,
                product: self.product, port: self.common.port, stateRoot: stateRoot, authorized: authorized,
                crpServer: self.common.crpServer, firmwareVersion: self.common.firmware)
        }
        try await self.common.run(settings)
    }
}
