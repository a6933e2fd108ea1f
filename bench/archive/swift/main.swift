import ConfigArchive
import Foundation

/// Archive 2,048 devices' running configs (xml + show-config, as `cmsd` does after a converge), then a drift round
/// where 5 % changed; once with a commit per device, then with the devices fetched together in one commit (the
/// archiver's group commit), prints time and the repository's size on disk.
/// Usage: archive-bench [DEVICES] [FOLDER] [BATCHES, e.g. 1,8,64]
@main struct ArchiveBench {
    static func config(_ device: Int, round: Int) -> (xml: [UInt8], text: [UInt8]) {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<data xmlns=\"urn:cms:nxr:1.0\">\n"
        xml += "  <system><hostname>nxr\(device)</hostname></system>\n  <interfaces>\n"
        var text = "!\n! Century Systems NXR\n!\nsystem\n hostname nxr\(device)\nexit\ninterfaces\n"
        for index in 0..<8 {
            let mtu = 1454 - (round > 0 && device % 20 == 0 && index == 2 ? round : 0)
            xml += "    <interface><name>ethernet\(index)</name><description>port \(index) of nxr\(device)</description>"
            xml += "<mtu>\(mtu)</mtu><ipv4><address><ip>10.\(device / 256).\(device % 256).\(index + 1)</ip>"
            xml += "<prefix-length>24</prefix-length></address></ipv4></interface>\n"
            text += " interface ethernet\(index)\n  description port \(index) of nxr\(device)\n  mtu \(mtu)\n"
            text += "  ipv4\n   address 10.\(device / 256).\(device % 256).\(index + 1)\n    prefix-length 24\n  exit\n exit\n"
        }
        xml += "  </interfaces>\n  <ipsec>\n"
        for peer in 0..<16 {
            xml += "    <policy><name>cms-mesh-\(peer)</name><peer-address>10.\(peer).0.1</peer-address>"
            xml += "<pre-shared-key>cms-redacted:sha256:\(String(format: "%016x", device * 31 + peer))</pre-shared-key></policy>\n"
            text += "ipsec policy cms-mesh-\(peer)\n  peer-address 10.\(peer).0.1\nexit\n"
        }
        xml += "  </ipsec>\n</data>\n"
        text += "exit\n!\n"
        return (Array(xml.utf8), Array(text.utf8))
    }

    static func size(of path: String) -> Int {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total = 0
        for case let file as String in walker {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + file)
            if attributes?[.type] as? FileAttributeType == .typeRegular { total += attributes?[.size] as? Int ?? 0 }
        }
        return total
    }

    /// CPU seconds this process has used (user + system): on a shared machine the wall time mostly measures the
    /// other processes; this is what the archive itself costs.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func seconds(_ elapsed: Duration) -> Double {
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// One run into a fresh archive: the first archive of every device, then a drift round where 5 % changed;
    /// `batch` devices per commit (1: a commit per device).
    static func run(devices: Int, batch: Int, folder: String) async throws {
        let path = folder + "/bench-\(batch).git"
        let archive = try ConfigArchive(path: path)
        let clock = ContinuousClock()
        for round in 0..<2 {
            var commits = 0
            let started = clock.now
            let cpu = cpuSeconds()
            let note = ArchiveNote(reason: round == 0 ? .connected : .drift)
            for first in stride(from: 0, to: devices, by: batch) {
                let entries = (first..<min(devices, first + batch)).map { device in
                    let files = config(device, round: round)
                    return ArchiveEntry(device: "nxr\(device)", files: [.xml: files.xml, .showConfig: files.text])
                }
                if try await archive.record(entries, note: note, time: Int64(1_800_000_000 + round * 3600 + first)) != nil {
                    commits += 1
                }
            }
            let elapsed = seconds(clock.now - started)
            let used = cpuSeconds() - cpu
            print(
                String(
                    format:
                        "batch %4d, round %d (%@): %d devices, %d commits in %.2f s (%.0f devices/s), CPU %.2f s; archive %.1f MiB on disk",
                    batch, round, round == 0 ? "first archive" : "5 % drifted", devices, commits, elapsed,
                    Double(devices) / elapsed, used, Double(size(of: path)) / 1_048_576))
        }
    }

    static func main() async throws {
        let arguments = CommandLine.arguments
        let devices = arguments.count > 1 ? Int(arguments[1]) ?? 2048 : 2048
        let folder =
            arguments.count > 2
            ? arguments[2] : FileManager.default.temporaryDirectory.appendingPathComponent("archive-bench-\(getpid())").path
        let batches = arguments.count > 3 ? arguments[3].split(separator: ",").compactMap { Int($0) } : [1, 8, 64]
        let sample = config(1, round: 0)
        print("devices: \(devices); per device: xml \(sample.xml.count) B, show-config \(sample.text.count) B")
        for batch in batches { try await run(devices: devices, batch: max(1, batch), folder: folder) }
        try? FileManager.default.removeItem(atPath: folder)
    }
}
