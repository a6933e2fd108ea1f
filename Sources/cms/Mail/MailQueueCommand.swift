import ArgumentParser
import CMSAPI

/// `cms mail queue` — what is pending (with retries and the last error), the batch waiting, the last sent mails.
struct MailQueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Show the mail queue: pending mails, the batch waiting, the last sent ones.")

    @OptionGroup var api: APIOptions

    @Option(name: [.customShort("o"), .customLong("output"), .customLong("format")], help: "Output: table, json (the MailQueueStatus of the API) or yaml.")
    var format: ObjectFormat = .table

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let status: MailQueueStatus = try await client.get(["tenants", tenant, "mail", "queue"])
            switch format {
            case .json: print(try Output.json(status))
            case .yaml: Output.write(try Output.yaml(status))
            case .table: print(Self.render(status))
            }
            return 0
        }
    }

    static func render(_ status: MailQueueStatus) -> String {
        var text = Output.keyValues([
            ("configured", status.configured ? "yes" : "no (no Mail document, server or recipient)"),
            ("monitored devices", String(status.monitored)),
            ("batched events", String(status.batchedEvents)),
            ("batch due", status.batchDue.map { Output.time($0) + " UTC" } ?? "-"),
            ("pending mails", String(status.pending.count)),
        ])
        if !status.pending.isEmpty {
            var table = TextTable(
                headers: ["CREATED", "EVENTS", "ATTEMPTS", "NEXT", "LAST ERROR", "MESSAGE-ID"], flexible: [4])
            for entry in status.pending {
                table.rows.append([
                    Output.time(entry.created), String(entry.events), String(entry.attempts),
                    Output.time(entry.nextAttempt), entry.lastError ?? "-", entry.messageID,
                ])
            }
            text += "\n\nPending\n" + table.render()
        }
        if !status.recent.isEmpty {
            var table = TextTable(headers: ["SENT", "SERVER", "EVENTS", "TO", "SUBJECT"], flexible: [4])
            for entry in status.recent {
                table.rows.append([
                    Output.time(entry.sent), entry.server ?? "-", String(entry.events), String(entry.recipients),
                    entry.subject,
                ])
            }
            text += "\n\nRecently sent\n" + table.render()
        }
        if let dropped = status.dropped, !dropped.isEmpty {
            var table = TextTable(headers: ["DROPPED", "EVENTS", "ATTEMPTS", "WHY", "MESSAGE-ID"], flexible: [3])
            for entry in dropped {
                table.rows.append([
                    Output.time(entry.sent), String(entry.events), String(entry.attempts), entry.lastError ?? "-",
                    entry.messageID,
                ])
            }
            text += "\n\nDropped (no server accepted them in time)\n" + table.render()
        }
        return text
    }
}
