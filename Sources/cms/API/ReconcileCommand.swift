import ArgumentParser
import CMSAPI
import CMSModel

/// `cms reconcile [DEVICE]` — queue a reconcile of one device, or of every device of the tenant.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Queue a reconcile of one device or all devices (cmsd applies the desired state).",
        discussion: """
            With --wait, returns when every queued device has finished its run: exit 0 when none failed, 1 when \
            one failed or is stalled, 3 when not finished within --wait-timeout.

            EXAMPLES:
              cms reconcile nxr01
              cms reconcile --wait --wait-timeout 10m
            """)

    @OptionGroup var api: APIOptions
    @OptionGroup var waiting: WaitOptions

    @Argument(help: "The device code; without it every device of the tenant.")
    var device: String?

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let segments =
                device.map { ["tenants", tenant, "devices", $0, "reconcile"] } ?? ["tenants", tenant, "reconcile"]
            var before: [String: Timestamp] = [:]
            if waiting.wait {
                let devices: [String]
                if let device {
                    devices = [device]
                } else {
                    let page: DevicePage = try await client.get(["tenants", tenant, "devices"], query: [("pageSize", "all")])
                    devices = page.devices.map(\.code)
                }
                before = try await Waiter.newestRuns(of: devices, tenant: tenant, client: client)
            }
            let accepted: ReconcileAccepted = try await client.post(segments)
            if accepted.devices.isEmpty {
                print("nothing queued: tenant \(tenant) has no devices to reconcile")
            } else {
                print(
                    "queued reconcile of \(accepted.devices.count) device(s): "
                        + accepted.devices.joined(separator: ", ")
                )
                if !waiting.wait { print("follow with: cms devices --sync reconciling, cms events") }
            }
            guard waiting.wait, !accepted.devices.isEmpty else { return 0 }
            let outcome = try await Waiter.runs(
                of: accepted.devices, before: before, tenant: tenant, client: client, options: waiting)
            print(outcome.message)
            return outcome.status
        }
    }
}
