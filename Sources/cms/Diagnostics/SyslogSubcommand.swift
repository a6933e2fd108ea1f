import ArgumentParser
import CMSAPI
import Foundation

/// `cms syslog fetch|list|get` — collected syslogs (the last 5 per device, gzip at rest; docs/diagnostics.md).
struct SyslogSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syslog",
        abstract: "Fetch devices' syslogs now, list the kept ones, print one.",
        subcommands: [Fetch.self, List.self, Get.self])

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch the syslog of a device or of a group's members now (the last 5 per device are kept).")

        @OptionGroup var api: APIOptions

        @Argument(help: "The device code.")
        var device: String?

        @Option(help: "Fetch every member of this group instead.")
        var group: String?

        func validate() throws {
            guard (device == nil) != (group == nil) else {
                throw ValidationError("give a DEVICE or --group NAME (one of them)")
            }
        }

        func run() async throws {
            try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
                let client = try api.client()
                let tenant = try await api.tenant(using: client)
                let query = device.map { [("device", $0)] } ?? [("group", group ?? "")]
                let report: SyslogFetchReport = try client.decode(
                    try await client.send("POST", ["tenants", tenant, "syslog", "fetch"], query: query))
                var failed = false
                for result in report.results {
                    if let file = result.file {
                        print("\(result.device): fetched \(result.bytes ?? 0) bytes (\(file))")
                    } else {
                        failed = true
                        print("\(result.device): not fetched: \(result.error ?? "unknown error")")
                    }
                }
                if report.results.isEmpty { print("the group has no members") }
                return failed ? 1 : 0
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the kept syslog files of a device (1 = newest).")

        @OptionGroup var api: APIOptions

        @Argument(help: "The device code.")
        var device: String

        @OptionGroup var output: ListOutputOption

        func run() async throws {
            try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
                let client = try api.client()
                let tenant = try await api.tenant(using: client)
                let list: SyslogFileList = try await client.get(["tenants", tenant, "devices", device, "syslog"])
                Output.write(try Self.listing(list, device: device).render(output.output))
                return 0
            }
        }

        static func listing(_ list: SyslogFileList, device: String) -> Listing<SyslogFileList> {
            var table = TextTable(headers: ["N", "FETCHED (UTC)", "GZIP BYTES", "FILE"], flexible: [3])
            for file in list.files {
                table.rows.append([
                    String(file.index), Output.time(file.fetchedAt), String(file.compressedBytes), file.name,
                ])
            }
            return Listing(
                value: list, table: table, empty: "no syslog of \(device) kept yet; run `cms syslog fetch \(device)`")
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a kept syslog of a device (N: 1 = newest).")

        @OptionGroup var api: APIOptions

        @Argument(help: "The device code.")
        var device: String

        @Argument(help: "Which file: 1 (newest, default) to 5.")
        var number: Int = 1

        @Option(help: "Write it to this file instead of stdout.")
        var out: String?

        func validate() throws {
            guard number >= 1 else { throw ValidationError("N counts from 1 (the newest)") }
        }

        func run() async throws {
            try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
                let client = try api.client()
                let tenant = try await api.tenant(using: client)
                let sink = try OutputSink.open(out)
                let written = try await StreamingRequest.run(
                    client, method: "GET", ["tenants", tenant, "devices", device, "syslog", String(number)],
                    timeout: TimeInterval(api.timeout), to: sink)
                if let out {
                    try? sink.close()
                    FileHandle.standardError.write(Data("wrote \(written) bytes to \(out)\n".utf8))
                }
                return 0
            }
        }
    }
}
