import ArgumentParser
import CMSAPI
import Foundation

/// `cms exec DEVICE KIND …` — a diagnostic command on a device, streamed to stdout or `--out FILE` as it arrives
/// (docs/diagnostics.md). KIND: show ARGS… | syslog | tech-support | arp | route [ipv4|ipv6] [fib|rib|cache] |
/// ping DEST | traceroute DEST | packet-dump IF.
struct ExecSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a diagnostic command on a device and stream its complete output.",
        discussion: """
            Kinds: show ARGS… (≤255 ASCII) | syslog | tech-support | arp | route [ipv4|ipv6] [fib|rib|cache] |
            ping DEST [--count 1-60] [--source S] [-6] | traceroute DEST [--icmp] [--source S] [-6] |
            packet-dump IF [--seconds 10-180] [--packets 1-1000]. Use `--` before show arguments that start with '-'.
            """)

    @OptionGroup var api: APIOptions

    @Argument(help: "The device code.")
    var device: String

    @Argument(help: "The command kind and its words (e.g. `show ip route`, `ping 192.0.2.1`).")
    var words: [String] = []

    @Option(help: "ping: echo requests (1-60, default 5).")
    var count: Int?

    @Option(help: "ping, traceroute: source address.")
    var source: String?

    @Flag(name: .customShort("6"), help: "ping, traceroute: IPv6.")
    var ipv6 = false

    @Flag(help: "traceroute: ICMP probes instead of UDP.")
    var icmp = false

    @Option(help: "packet-dump: longest capture in seconds (10-180, default 10).")
    var seconds: Int?

    @Option(help: "packet-dump: most packets (1-1000, default 100).")
    var packets: Int?

    @Option(help: "Write the output to this file instead of stdout.")
    var out: String?

    func validate() throws {
        do {
            _ = try command().validated()
        } catch let error as ExecArgumentError {
            throw ValidationError(error.message)
        }
    }

    /// The API command from the words and options (before the shared validation).
    func command() throws -> ExecCommand {
        try Self.command(
            words: words, count: count, source: source, ipv6: ipv6, icmp: icmp, seconds: seconds, packets: packets)
    }

    static func command(
        words: [String], count: Int?, source: String?, ipv6: Bool, icmp: Bool, seconds: Int?, packets: Int?
    ) throws(ExecArgumentError) -> ExecCommand {
        guard let first = words.first else {
            throw ExecArgumentError(
                "kind", "say what to run: \(ExecCommand.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let kind = ExecCommand.Kind(rawValue: first) else {
            throw ExecArgumentError(
                "kind",
                "'\(first)' is not a diagnostic command; use one of "
                    + ExecCommand.Kind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let rest = Array(words.dropFirst())
        var command = ExecCommand(kind: kind)
        command.count = count
        command.source = source
        command.family = ipv6 ? .ipv6 : nil
        command.icmp = icmp ? true : nil
        command.seconds = seconds
        command.packets = packets
        func single(_ what: String) throws(ExecArgumentError) -> String? {
            guard rest.count <= 1 else {
                throw ExecArgumentError(what, "\(kind.rawValue) takes one \(what), not \(rest.joined(separator: " "))")
            }
            return rest.first
        }
        switch kind {
        case .show:
            command.arguments = rest.isEmpty ? nil : rest.joined(separator: " ")
        case .syslog, .techSupport, .arp:
            guard rest.isEmpty else {
                throw ExecArgumentError("arguments", "\(kind.rawValue) takes no arguments, not \(rest.joined(separator: " "))")
            }
        case .route:
            for word in rest {
                if let family = ExecCommand.Family(rawValue: word), command.family == nil {
                    command.family = family
                } else if let table = ExecCommand.RouteTable(rawValue: word), command.table == nil {
                    command.table = table
                } else {
                    throw ExecArgumentError("arguments", "route takes [ipv4|ipv6] [fib|rib|cache], not '\(word)'")
                }
            }
        case .ping, .traceroute:
            command.destination = try single("destination")
        case .packetDump:
            command.interface = try single("interface")
        }
        return command
    }

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let command: ExecCommand
            do {
                command = try self.command().validated()
            } catch {
                throw CLIFailure("\(error)")
            }
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let body: Data
            do {
                body = try JSONEncoder().encode(command)
            } catch {
                throw CLIFailure("cannot encode the command: \(error)")
            }
            let sink = try OutputSink.open(out)
            // The daemon answers once the device has: allow the command's own time on top of --timeout.
            let timeout = TimeInterval(api.timeout + command.runningSeconds)
            let written = try await StreamingRequest.run(
                client, method: "POST", ["tenants", tenant, "devices", device, "exec"], body: body, timeout: timeout,
                to: sink)
            if let out {
                try? sink.close()
                FileHandle.standardError.write(Data("wrote \(written) bytes to \(out)\n".utf8))
            }
            return 0
        }
    }
}
