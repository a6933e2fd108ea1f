import Foundation
import Testing
@testable import NXRSim

/// The `nxr-sim` executable: a fleet with a control API, stopped by SIGTERM; state kept across runs.
@Suite struct CommandLineTests {
    static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../.build/debug/nxr-sim").standardizedFileURL.path

    @Test func aFleetStartsServesTheControlAPIAndStopsOnSIGTERM() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build nxr-sim first (swift build)")
        let state = fleet.directory.appendingPathComponent("cli-state").path
        let controlPort = 40_000 + Int.random(in: 0..<10_000)
        let prefix = "127.\(60 + Int.random(in: 0..<10)).\(Int.random(in: 0..<200)).0"
        func run() throws -> (Process, URL) {
            let log = fleet.directory.appendingPathComponent("cli-\(UUID().uuidString).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = [
                "fleet", "--count", "3", "--prefix", prefix, "--port", "8830", "--state-dir", state,
                "--authorized-key", fleet.keyPath + ".pub", "--control", "127.0.0.1:\(controlPort)",
            ]
            process.standardOutput = try FileHandle(forWritingTo: log)
            process.standardError = process.standardOutput
            try process.run()
            return (process, log)
        }
        func waitForControl() async throws -> String {
            for _ in 0..<100 {
                let result = try Shell.run("/usr/bin/curl", ["-s", "http://127.0.0.1:\(controlPort)/devices"])
                if result.status == 0, !result.stdout.isEmpty { return result.stdout }
                try await Task.sleep(for: .milliseconds(100))
            }
            return ""
        }
        let (first, log) = try run()
        let listing = try await waitForControl()
        let devices = try JSONDecoder().decode([DeviceSnapshot].self, from: Data(listing.utf8))
        #expect(devices.map(\.name) == ["sim1", "sim2", "sim3"])
        #expect(devices.map(\.port) == [8830, 8830, 8830])
        let output = try String(contentsOf: log, encoding: .utf8)
        #expect(output.contains("3 device(s) listening on port 8830"))
        first.terminate()
        first.waitUntilExit()
        #expect(first.terminationStatus == 0, "SIGTERM is a clean stop: \(output)")

        let (second, _) = try run()
        defer { second.terminate() }
        let again = try JSONDecoder().decode([DeviceSnapshot].self, from: Data(try await waitForControl().utf8))
        #expect(again.map(\.hostKey) == devices.map(\.hostKey), "host keys survive a restart")
        #expect(again.allSatisfy { $0.bootCount == 2 })
    }
}
