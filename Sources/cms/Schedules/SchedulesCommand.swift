import ArgumentParser
import CMSAPI

/// `cms schedules [--next N]` — each schedule of the revision in force and its next fire times, in the tenant's zone
/// and UTC (docs/schedules.md).
struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules",
        abstract: "List the schedules and their next fire times (tenant's time zone and UTC).")

    @OptionGroup var api: APIOptions

    @Option(help: "How many next fire times per schedule (1-100).")
    var next: Int = 3

    @Option(name: [.customShort("o"), .customLong("output"), .customLong("format")], help: "Output: table, json (the ScheduleList of the API) or yaml.")
    var format: ObjectFormat = .table

    func validate() throws {
        guard (1...100).contains(next) else { throw ValidationError("--next must be 1-100, not \(next)") }
    }

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let list: ScheduleList = try await client.get(
                ["tenants", tenant, "schedules"], query: [("next", String(next))])
            switch format {
            case .json: print(try Output.json(list))
            case .yaml: Output.write(try Output.yaml(list))
            case .table: print(Self.render(list))
            }
            return 0
        }
    }

    static func render(_ list: ScheduleList) -> String {
        var text = Output.keyValues([
            ("tenant", list.tenant),
            ("time zone", list.timeZone),
            ("grace", "\(list.graceMinutes) min"),
            ("maintenance windows", list.respectMaintenanceWindows ? "respected" : "not asked"),
            ("revision", list.revision ?? "none in force: nothing fires"),
        ])
        var table = TextTable(
            headers: ["SCHEDULE", "COMMAND", "TARGET", "WHEN", "NEXT (\(list.timeZone))", "NEXT (UTC)", "LAST FIRE"],
            flexible: [3])
        for schedule in list.schedules {
            var command = schedule.command + (schedule.firmware.map { " " + $0 } ?? "")
            if !schedule.carriedOut { command += " (not carried out)" }
            let when = schedule.when + (schedule.repeat ? "" : " once")
            let last = schedule.lastFire ?? "-"
            if schedule.next.isEmpty {
                table.rows.append([
                    schedule.name, command, schedule.target, when, schedule.done ? "done" : "never", "-", last,
                ])
            }
            for (index, fire) in schedule.next.enumerated() {
                table.rows.append(
                    index == 0
                        ? [schedule.name, command, schedule.target, when, fire.local, fire.utc, last]
                        : ["", "", "", "", fire.local, fire.utc, ""])
            }
        }
        if !list.schedules.isEmpty { text += "\n\n" + table.render() }
        let reasons = list.schedules.compactMap { schedule in schedule.reason.map { "\(schedule.name): \($0)" } }
        if !reasons.isEmpty { text += "\n\n" + reasons.joined(separator: "\n") }
        return text
    }
}
