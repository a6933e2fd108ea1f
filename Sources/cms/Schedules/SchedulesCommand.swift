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

    @OptionGroup var output: ListOutputOption

    func validate() throws {
        guard (1...100).contains(next) else { throw ValidationError("--next must be 1-100, not \(next)") }
    }

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let list: ScheduleList = try await client.get(
                ["tenants", tenant, "schedules"], query: [("next", String(next))])
            Output.write(try Self.listing(list).render(output.output))
            return 0
        }
    }

    /// The schedules with their next fire times: one row per fire time (the schedule's columns on its first row
    /// only in a table; on every row in CSV, so each row stands alone).
    static func listing(_ list: ScheduleList) -> Listing<ScheduleList> {
        let header = Output.keyValues([
            ("tenant", list.tenant),
            ("time zone", list.timeZone),
            ("grace", "\(list.graceMinutes) min"),
            ("maintenance windows", list.respectMaintenanceWindows ? "respected" : "not asked"),
            ("revision", list.revision ?? "none in force: nothing fires"),
        ])
        var table = TextTable(
            headers: ["SCHEDULE", "COMMAND", "TARGET", "WHEN", "NEXT (\(list.timeZone))", "NEXT (UTC)", "LAST FIRE"],
            flexible: [3])
        var csv = TextTable(headers: ["SCHEDULE", "COMMAND", "TARGET", "WHEN", "NEXT LOCAL", "NEXT UTC", "LAST FIRE"])
        for schedule in list.schedules {
            var command = schedule.command + (schedule.firmware.map { " " + $0 } ?? "")
            if !schedule.carriedOut { command += " (not carried out)" }
            let when = schedule.when + (schedule.repeat ? "" : " once")
            let last = schedule.lastFire ?? "-"
            let columns = [schedule.name, command, schedule.target, when]
            if schedule.next.isEmpty {
                let row = columns + [schedule.done ? "done" : "never", "-", last]
                table.rows.append(row)
                csv.rows.append(row)
            }
            for (index, fire) in schedule.next.enumerated() {
                table.rows.append(
                    index == 0 ? columns + [fire.local, fire.utc, last] : ["", "", "", "", fire.local, fire.utc, ""])
                csv.rows.append(columns + [fire.local, fire.utc, last])
            }
        }
        let reasons = list.schedules.compactMap { schedule in schedule.reason.map { "\(schedule.name): \($0)" } }
        return Listing(
            value: list, table: table, csvTable: csv, header: header, footer: reasons.joined(separator: "\n"),
            empty: "no schedules")
    }
}
