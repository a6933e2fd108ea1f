import ArgumentParser
import CMSAPI

/// `cms ipsec status GROUP [--refresh]` — a group's registration and tunnel state per member and peer.
struct IPsecStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show an IPsec group's members, registration and tunnel states.")

    @OptionGroup var api: APIOptions

    @Argument(help: "The group name.")
    var group: String

    @Flag(help: "Read the current status from the members' devices first.")
    var refresh = false

    @Option(name: [.customShort("o"), .customLong("output"), .customLong("format")], help: "Output: table, json (the IPsecGroupStatus of the API) or yaml.")
    var format: ObjectFormat = .table

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let status: IPsecGroupStatus = try await client.get(
                ["tenants", tenant, "ipsec", group], query: refresh ? [("refresh", "true")] : [])
            switch format {
            case .json: print(try Output.json(status))
            case .yaml: Output.write(try Output.yaml(status))
            case .table: print(Self.render(status))
            }
            return 0
        }
    }

    static func render(_ status: IPsecGroupStatus) -> String {
        var text = Output.keyValues([
            ("group", "\(status.group) (\(status.type))"),
            ("state", status.state.rawValue),
            ("fetched", status.fetched.map { Output.time($0) + " UTC" } ?? "never (use --refresh)"),
        ])
        var table = TextTable(headers: ["MEMBER", "ROLE", "REGISTRATION", "PEER", "OUT", "IN"], flexible: [2])
        for member in status.members {
            var registration = member.registration.rawValue
            if let reason = member.reason { registration += ": " + reason }
            if member.peers.isEmpty {
                table.rows.append([member.device, member.role ?? "-", registration, "-", "-", "-"])
            }
            for (index, peer) in member.peers.enumerated() {
                table.rows.append([
                    index == 0 ? member.device : "", index == 0 ? member.role ?? "-" : "",
                    index == 0 ? registration : "", peer.peer, peer.selfToPeer.rawValue, peer.peerToSelf.rawValue,
                ])
            }
        }
        if !status.members.isEmpty { text += "\n\n" + table.render() }
        return text
    }
}
