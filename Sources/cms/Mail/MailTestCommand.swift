import ArgumentParser
import CMSAPI

/// `cms mail test [--smtp-server NAME]` — sends a test mail now and prints each server's SMTP dialogue and outcome.
struct MailTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a test mail to the monitor recipients and print the SMTP dialogue's outcome.",
        discussion: """
            Without --smtp-server the servers of mail.yaml are tried in order, as for alerts. Exit status 0 when a \
            server accepted the mail, 1 when none did. Credentials never appear in the dialogue.
            """)

    @OptionGroup var api: APIOptions

    // Not `--server`: that is every API command's cmsd URL (APIOptions); the two would collide.
    @Option(name: .customLong("smtp-server"), help: "Send through this server of mail.yaml only (its name).")
    var smtpServer: String?

    @Option(name: [.customShort("o"), .customLong("output"), .customLong("format")], help: "Output: table, json (the MailTestResult of the API) or yaml.")
    var format: ObjectFormat = .table

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let data = try await client.send(
                "POST", ["tenants", tenant, "mail", "test"], query: smtpServer.map { [("server", $0)] } ?? [])
            let result: MailTestResult = try client.decode(data)
            switch format {
            case .json: print(try Output.json(result))
            case .yaml: Output.write(try Output.yaml(result))
            case .table: print(Self.render(result))
            }
            return result.sent ? 0 : 1
        }
    }

    static func render(_ result: MailTestResult) -> String {
        var lines: [String] = []
        for attempt in result.attempts {
            lines.append(
                attempt.ok
                    ? "\(attempt.server): sent"
                    : "\(attempt.server): failed at \(attempt.stage ?? "?"): \(attempt.message ?? "")")
            lines += attempt.dialogue.map { "  " + TextTable.sanitize($0) }
        }
        lines.append("")
        lines.append(
            Output.keyValues([
                ("result", result.sent ? "sent" : "not sent"),
                ("message-id", "<\(result.messageID)>"),
                ("recipients", result.recipients.joined(separator: ", ")),
            ]))
        return lines.joined(separator: "\n")
    }
}
