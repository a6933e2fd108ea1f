import CMSModel
import CMSStore
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Kills a writer with SIGKILL mid-loop and proves nothing it reported as committed was lost.
@Suite("Event store crash safety", .serialized)
struct CrashSafetyTests {
    @Test("every id reported committed before SIGKILL is present and the file is intact", arguments: 1...4)
    func sigkill(round: Int) async throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("events.sqlite").path
        var reported: [Int64] = []
        // The first rounds start from an empty file; later rounds append to a file that survived a kill.
        for attempt in 0..<(round == 4 ? 2 : 1) {
            let target = 40 + round * 37 + attempt * 11
            let ids = try runAndKill(path: path, afterLines: target)
            #expect(ids.count >= target)
            reported += ids
        }
        let store = try SQLiteEventStore(path: path)
        #expect(try await store.integrityCheck() == ["ok"])
        let stored = try await store.search(
            EventQuery(
                tenant: "crash", order: .ascending,
                limit: EventQuery.maximumLimit))
        let storedIDs = Set(stored.compactMap(\.id))
        let lost = Set(reported).subtracting(storedIDs)
        #expect(lost.isEmpty, "committed ids lost after SIGKILL: \(lost.sorted())")
        #expect(Set(reported).count == reported.count, "an id was reported twice")
        // The store still works after the crash.
        let next = try await store.append([Event(time: .seconds(1), tenant: "crash", type: .systemStarted)])
        #expect((next[0].id ?? 0) > (reported.max() ?? 0))
    }

    /// Runs the crash-test writer until it has reported `afterLines` ids, SIGKILLs it, and returns
    /// every complete id line it printed (including those printed between our read and the kill).
    func runAndKill(path: String, afterLines: Int) throws -> [Int64] {
        let binary = Support.productsDirectory.appendingPathComponent("cms-store-crashtest").path
        #expect(FileManager.default.isExecutableFile(atPath: binary), "build it: swift build --build-tests")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [path, "crash"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = out.fileHandleForReading
        var buffer = Data()
        var lines = 0
        while lines < afterLines {
            let chunk = reader.availableData
            if chunk.isEmpty { break }  // the child exited early
            buffer.append(chunk)
            lines = buffer.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        }
        kill(process.processIdentifier, SIGKILL)
        buffer.append(reader.readDataToEndOfFile())
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the writer must have been killed, not have exited")
        // Only complete lines count: a line cut by the kill was never fully reported.
        let text = String(decoding: buffer, as: UTF8.self)
        var complete = text.split(separator: "\n", omittingEmptySubsequences: false)
        complete.removeLast()
        return complete.compactMap { Int64($0) }
    }
}
