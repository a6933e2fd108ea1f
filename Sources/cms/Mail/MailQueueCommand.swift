import ArgumentParser
import CMSAPI
import CMSModel

/// `cms mail queue` — what is pending (with retries and the last error), the batch waiting, the last sent mails.
struct MailQueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Show the mail queue: pending mails, the batch waiting, the last sent ones.")

    @OptionGroup var api: APIOptions

    @OptionGroup var output: ListOutputOption

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let status: MailQueueStatus = try await client.get(["tenants", tenant, "mail", "queue"])
            switch output.output {
            case .json: print(try Output.json(status))
            case .yaml: Output.write(try Output.yaml(status))
            case .table: print(Self.render(status))
            case .wide: print(Self.render(status, width: Int.max))
            case .csv: Output.write(Self.csv(status))
            }
            return 0
        }
    }

    /// Every mail of the queue as one RFC 4180 table, a `queue` column saying pending, sent or dropped.
    static func csv(_ status: MailQueueStatus) -> String {
        var text = EventCSV.line([
            "queue", "created", "sent", "events", "recipients", "attempts", "next", "server", "error", "subject",
            "message-id",
        ])
        let queues = [("pending", status.pending), ("sent", status.recent), ("dropped", status.dropped ?? [])]
        for (queue, entries) in queues {
            for entry in entries {
                text += EventCSV.line([
                    queue, Output.time(entry.created), entry.sent.map { Output.time($0) } ?? "", String(entry.events),
                    String(entry.recipients), String(entry.attempts), entry.nextAttempt.map { Output.time($0) } ?? "",
                    entry.server ?? "", entry.lastError ?? "", entry.subject, entry.messageID,
                ])
            }
        }
        return text
    }

    /// The queue's sections; `width` `Int.max` (wide) cuts nothing.
    static func render(_ status: MailQueueStatus, width: Int = TextTable.terminalWidth) -> String {
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
            text += "\n\nPending\n" + table.render(width: width)
        }
        if !status.recent.isEmpty {
            var table = TextTable(headers: ["SENT", "SERVER", "EVENTS", "TO", "SUBJECT"], flexible: [4])
            for entry in status.recent {
                table.rows.append([
                    Output.time(entry.sent), entry.server ?? "-", String(entry.events), String(entry.recipients),
                    entry.subject,
                ])
            }
            text += "\n\nRecently sent\n" + table.render(width: width)
        }
        if let dropped = status.dropped, !dropped.isEmpty {
            var table = TextTable(headers: ["DROPPED", "EVENTS", "ATTEMPTS", "WHY", "MESSAGE-ID"], flexible: [3])
            for entry in dropped {
                table.rows.append([
                    Output.time(entry.sent), String(entry.events), String(entry.attempts), entry.lastError ?? "-",
                    entry.messageID,
                ])
            }
            text += "\n\nDropped (no server accepted them in time)\n" + table.render(width: width)
        }
        return text
    }
}
