import ArgumentParser
import CMSAPI
import CMSModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `cms rollout …` — progressive firmware rollouts (docs/firmware.md).
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout", abstract: "Firmware rollouts (from cmsd).",
        subcommands: [RolloutStatusCommand.self, RolloutResumeCommand.self])
}

/// `cms rollout status [--watch]`: batches, devices done / in flight / failed / pending / skipped, the next window;
/// a progress bar on a terminal, plain lines otherwise.
struct RolloutStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show rollouts and their progress.")

    @OptionGroup var api: APIOptions
    @Flag(help: "Keep showing until no rollout is active.") var watch = false
    @Option(help: "Seconds between refreshes with --watch.") var interval: Double = 2
    @Flag(help: "Show finished rollouts too.") var all = false
    @OptionGroup var output: ListOutputOption

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let terminal = isatty(STDOUT_FILENO) == 1
            var last = ""
            while true {
                let list: RolloutList = try await client.get(["tenants", tenant, "rollouts"])
                let text: String
                switch output.output {
                case .json: text = try Output.json(list)
                case .yaml: text = try Output.yaml(list)
                case .csv: text = Self.csv(list, all: all)
                case .table, .wide: text = Self.render(list, all: all, terminal: terminal, wide: output.output == .wide)
                }
                if text != last {
                    // Unbuffered (FileHandle): a --watch piped into another program sees each update at once.
                    // yaml and csv end their own lines (bytes: "\r\n" is one Character, not a "\n" suffix).
                    let end = text.utf8.last == UInt8(ascii: "\n") ? "" : "\n"
                    Output.write((watch && terminal ? "\u{1B}[H\u{1B}[2J" : "") + text + end)
                    last = text
                }
                let active = list.rollouts.contains { $0.phase != "finished" }
                guard watch, active else { return list.rollouts.contains { $0.phase == "stalled" } ? 1 : 0 }
                try? await Task.sleep(for: .milliseconds(Int(max(0.2, interval) * 1000)))
            }
        }
    }

    /// One RFC 4180 row per rollout shown: its identity, phase and device counts.
    static func csv(_ list: RolloutList, all: Bool) -> String {
        let states = ["done", "in-flight", "failed", "pending", "skipped"]
        var text = EventCSV.line(
            ["id", "image", "version", "mode", "phase", "group", "user", "revision", "created", "total"] + states
                + ["reason"])
        for rollout in shown(list, all: all) {
            text += EventCSV.line(
                [
                    rollout.id, rollout.image, rollout.version, rollout.mode, rollout.phase, rollout.group ?? "",
                    rollout.user ?? "", rollout.revision ?? "", Output.time(rollout.created), String(rollout.total),
                ] + states.map { String(rollout.counts[$0] ?? 0) } + [rollout.reason ?? ""])
        }
        return text
    }

    /// The active rollouts (and the newest one), every rollout with `--all`.
    static func shown(_ list: RolloutList, all: Bool) -> [RolloutStatus] {
        list.rollouts.filter { all || $0.phase != "finished" || $0 == list.rollouts.last }
    }

    static func render(_ list: RolloutList, all: Bool, terminal: Bool, wide: Bool = false) -> String {
        var parts: [String] = []
        if list.windowOpen {
            parts.append("window: open")
        } else if let name = list.nextWindow, let start = list.nextWindowStart {
            parts.append("window: closed; next \(name) at \(Output.time(start)) UTC")
        } else {
            parts.append("window: closed; no window ahead")
        }
        let shown = shown(list, all: all)
        if shown.isEmpty { parts.append("no rollouts") }
        for rollout in shown { parts.append(render(rollout, terminal: terminal, wide: wide)) }
        return parts.joined(separator: "\n\n")
    }

    /// One rollout; `wide` adds each batch's devices and every skipped device with its reason.
    static func render(_ status: RolloutStatus, terminal: Bool, wide: Bool = false) -> String {
        let total = max(status.total, 1)
        let finished = (status.counts["done"] ?? 0) + (status.counts["failed"] ?? 0) + (status.counts["skipped"] ?? 0)
        var lines: [String] = []
        lines.append(
            "rollout \(status.id): \(status.image)\(status.version.isEmpty ? "" : " " + status.version) "
                + "(\(status.mode)) — \(status.phase)"
                + (status.group.map { " — policy of group \($0)" } ?? "")
                + (status.user.map { " — by \($0)" } ?? ""))
        let counts = ["done", "in-flight", "failed", "pending", "skipped"].map { "\($0) \(status.counts[$0] ?? 0)" }
        if terminal {
            let width = 30
            let filled = finished * width / total
            lines.append(
                "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
                    + "\(finished)/\(status.total)  " + counts.joined(separator: ", "))
        } else {
            lines.append("progress \(finished)/\(status.total): " + counts.joined(separator: ", "))
        }
        for batch in status.batches {
            let marker = batch.index == status.currentBatch && status.phase != "finished" ? "*" : " "
            lines.append(
                "\(marker) batch \(batch.index)\(batch.canary ? " (canary)" : ""): \(batch.devices.count) device(s), "
                    + "done \(batch.done), in-flight \(batch.inFlight), failed \(batch.failed), pending \(batch.pending)")
            if wide { lines.append("    devices: " + batch.devices.joined(separator: " ")) }
        }
        if let reason = status.reason { lines.append("stopped: \(reason)") }
        for (device, reason) in status.failed.sorted(by: { $0.key < $1.key }) { lines.append("failed \(device): \(reason)") }
        if wide {
            for (device, reason) in status.skipped.sorted(by: { $0.key < $1.key }) {
                lines.append("skipped \(device): \(reason)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// `cms rollout resume [ID]`: a stalled rollout continues (its failures so far are tolerated).
struct RolloutResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Let stalled rollouts continue.")

    @OptionGroup var api: APIOptions
    @Argument(help: "One rollout id (default: every stalled rollout).") var id: String?

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let data = try await client.send(
                "POST", ["tenants", tenant, "rollouts", "resume"], query: id.map { [("id", $0)] } ?? [])
            let list: RolloutList = try client.decode(data)
            print(RolloutStatusCommand.render(list, all: false, terminal: false))
            return 0
        }
    }
}
