import ArgumentParser
import CMSAPI

/// `cms reconcile [DEVICE]` — queue a reconcile of one device, or of every device of the tenant.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Queue a reconcile of one device or all devices (cmsd applies the desired state).")

    @OptionGroup var api: APIOptions

    @Argument(help: "The device code; without it every device of the tenant.")
    var device: String?

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let segments =
                device.map { ["tenants", tenant, "devices", $0, "reconcile"] } ?? ["tenants", tenant, "reconcile"]
            let accepted: ReconcileAccepted = try await client.post(segments)
            if accepted.devices.isEmpty {
                print("nothing queued: tenant \(tenant) has no devices to reconcile")
            } else {
                print(
                    "queued reconcile of \(accepted.devices.count) device(s): "
                        + accepted.devices.joined(separator: ", ")
                )
                print("follow with: cms devices --sync reconciling, cms events")
            }
            return 0
        }
    }
}
