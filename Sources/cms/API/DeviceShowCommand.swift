import ArgumentParser
import Foundation
import CMSAPI
import CMSModel

/// `cms device show CODE` — everything cmsd knows about one device: identity, state, sync, host key,
/// resources, interfaces, managed parts and the recent reconcile history.
struct DeviceShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one device: state, sync, identity, interfaces, reconcile history.",
        discussion: """
            An unknown code is answered with the closest codes the tenant has (did you mean …?).

            EXAMPLES:
              cms device show nxr01
              cms device show nxr01 -o json | jq .condition
            """)

    @OptionGroup var api: APIOptions

    @Argument(help: "The device code.")
    var code: String

    @Option(
        name: [.customShort("o"), .customLong("output"), .customLong("format")],
        help: "Output: table, json (the DeviceDetail of the API) or yaml.")
    var format: ObjectFormat = .table

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let detail: DeviceDetail
            do throws(CLIFailure) {
                detail = try await client.get(["tenants", tenant, "devices", code])
            } catch {
                throw await DidYouMean.unknownDevice(code, failure: error, client: client, tenant: tenant)
            }
            switch format {
            case .json: print(try Output.json(detail))
            case .yaml: Output.write(try Output.yaml(detail))
            case .table: print(Self.render(detail))
            }
            return 0
        }
    }

    static func render(_ detail: DeviceDetail) -> String {
        let device = detail.summary
        let condition = detail.condition
        var pairs: [(String, String)] = [
            ("code", device.code),
            ("name", device.name.isEmpty ? "-" : device.name),
            ("product", device.product),
            ("state", device.state.rawValue),
            ("sync", "\(condition.status.rawValue) (\(condition.reason)) since \(Output.time(condition.since)) UTC"),
        ]
        if !condition.message.isEmpty { pairs.append(("message", condition.message)) }
        if !device.note.isEmpty { pairs.append(("note", device.note)) }
        pairs += [
            ("address", device.controlAddress ?? "-"),
            ("hostname", device.hostname ?? "-"),
            ("serial", device.serial ?? "-"),
            ("firmware", device.firmwareVersion ?? "-"),
            ("groups", device.groups.isEmpty ? "-" : device.groups.joined(separator: ", ")),
        ]
        if let seen = device.lastSeen {
            // Not connected: what it reported when it last was, shown as such (it may have changed since).
            let when = seen.at.map { " at " + Output.time($0) + " UTC" } ?? ""
            pairs.append(
                ("last seen", "firmware \(seen.firmwareVersion ?? "-"), hostname \(seen.hostname ?? "-")\(when)"))
        }
        pairs += [
            ("host key", (detail.hostKey ?? "-") + (detail.hostKeyBlocked ? " (BLOCKED: mismatch)" : "")),
            ("applied", detail.lastAppliedRevision ?? "-"),
            ("attempted", detail.lastAttemptedRevision ?? "-"),
        ]
        if let error = detail.lastError { pairs.append(("last error", error)) }
        if let retry = detail.nextRetry { pairs.append(("next retry", Output.time(retry) + " UTC")) }
        if let uptime = detail.uptimeSeconds { pairs.append(("uptime", Self.duration(uptime))) }
        if let load = detail.loadAverage, !load.isEmpty {
            pairs.append(("load", load.map { String(format: "%.2f", $0) }.joined(separator: " ")))
        }
        if let used = detail.memoryUsedKiB, let total = detail.memoryTotalKiB {
            pairs.append(("memory", "\(used / 1024) / \(total / 1024) MiB"))
        }
        if !detail.managedParts.isEmpty {
            let parts = detail.managedParts.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value ? "in sync" : "differs")" }
            pairs.append(("parts", parts.joined(separator: ", ")))
        }
        var text = Output.keyValues(pairs)
        if !detail.interfaces.isEmpty {
            var table = TextTable(headers: ["INTERFACE", "STATUS", "ADDRESSES"], flexible: [2])
            for interface in detail.interfaces {
                table.rows.append([interface.name, interface.operStatus, interface.addresses.joined(separator: " ")])
            }
            text += "\n\n" + table.render()
        }
        if !detail.history.isEmpty {
            var table = TextTable(headers: ["FINISHED (UTC)", "OUTCOME", "REVISION", "MESSAGE"], flexible: [3])
            for record in detail.history {
                table.rows.append([
                    Output.time(record.finished), record.outcome.rawValue, String((record.revision ?? "-").prefix(12)),
                    record.message.isEmpty ? record.parts.joined(separator: ", ") : record.message,
                ])
            }
            text += "\n\n" + table.render()
        }
        return text
    }

    static func duration(_ seconds: Int64) -> String {
        let days = seconds / 86_400
        let hours = seconds % 86_400 / 3600
        let minutes = seconds % 3600 / 60
        return days > 0 ? "\(days)d \(hours)h \(minutes)m" : "\(hours)h \(minutes)m \(seconds % 60)s"
    }
}
