import ConfigArchive
import Foundation
import TestSupport
import Testing

/// Several devices in one commit (the archiver's group commit), against a real repository read back with `git`.
@Suite struct ArchiveBatchTests {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("archive-batch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    static func xml(_ device: String, mtu: Int = 1454) -> [UInt8] {
        Array("<data><system><hostname>\(device)</hostname></system><mtu>\(mtu)</mtu></data>\n".utf8)
    }

    func git(_ path: String, _ arguments: [String]) throws -> String {
        let result = try runProcess("/usr/bin/git", ["-C", path] + arguments)
        #expect(result.status == 0, "git \(arguments): \(result.stderr)")
        return result.stdout
    }

    @Test func devicesFetchedTogetherAreOneCommitNamingEachAndTheLogOfEachFindsIt() async throws {
        let path = folder + "/b1.git"
        let archive = try ConfigArchive(path: path)
        let batch = try #require(
            try await archive.record(
                ["n1", "n2", "n3"].map { ArchiveEntry(device: $0, files: [.xml: Self.xml($0)]) },
                note: ArchiveNote(reason: .connected, revision: "r1"), time: 100))
        #expect(batch.changed == ["n1": [.xml], "n2": [.xml], "n3": [.xml]])
        #expect(batch.commit.subject == "3 devices: running config read at connection")
        #expect(batch.commit.message.contains("Device: n1 (running.xml)\nDevice: n2 (running.xml)\nDevice: n3 (running.xml)\n"))
        #expect(batch.commit.message.contains("Reason: connected\nUser: cmsd\nRevision: r1\n"))
        #expect(try git(path, ["rev-list", "--count", "main"]).trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        #expect(
            try git(path, ["ls-tree", "-r", "--name-only", "main"]).split(separator: "\n")
                == ["n1/running.xml", "n2/running.xml", "n3/running.xml"])
        for device in ["n1", "n2", "n3"] {
            #expect(try await archive.log(device: device).map(\.id) == [batch.commit.id])
            #expect(try await archive.read(device: device, format: .xml).bytes == Self.xml(device))
        }

        // Next round: n2 changed, n1 and n3 did not — the commit names n2 alone, and n1's log does not grow.
        let next = try #require(
            try await archive.record(
                [
                    ArchiveEntry(device: "n1", files: [.xml: Self.xml("n1")]),
                    ArchiveEntry(device: "n2", files: [.xml: Self.xml("n2", mtu: 1400)]),
                    ArchiveEntry(device: "n3", files: [.xml: Self.xml("n3")]),
                ], note: ArchiveNote(reason: .drift), time: 200))
        #expect(next.changed == ["n2": [.xml]])
        #expect(next.commit.subject == "n2: running config after a drift check", "one device: the one-device message")
        #expect(try await archive.log(device: "n1").count == 1)
        #expect(try await archive.log(device: "n2").map(\.id) == [next.commit.id, batch.commit.id])
        #expect(try await archive.diff(device: "n2", from: batch.commit.id, to: next.commit.id).contains("+<data><system><hostname>n2</hostname></system><mtu>1400</mtu></data>"))
        #expect(
            try await archive.record(
                ["n1", "n3"].map { ArchiveEntry(device: $0, files: [.xml: Self.xml($0)]) }, note: ArchiveNote(reason: .drift),
                time: 300) == nil, "nothing changed: no commit")
        // The unchanged devices' folders are the same git objects as before (not rewritten).
        #expect(try git(path, ["rev-parse", "main:n1"]) == (try git(path, ["rev-parse", "main~1:n1"])))
        let fsck = try runProcess("/usr/bin/git", ["-C", path, "fsck", "--strict", "--no-dangling"])
        #expect(fsck.status == 0, "\(fsck.stderr)")
    }

    @Test func aLaterEntryOfTheSameDeviceWinsAndABadEntryWritesNothing() async throws {
        let path = folder + "/b2.git"
        let archive = try ConfigArchive(path: path)
        let batch = try #require(
            try await archive.record(
                [
                    ArchiveEntry(device: "n1", files: [.xml: Self.xml("n1", mtu: 1)]),
                    ArchiveEntry(device: "n1", files: [.xml: Self.xml("n1", mtu: 2)]),
                ], note: ArchiveNote(reason: .apply), time: 1))
        #expect(batch.changed == ["n1": [.xml]])
        #expect(try await archive.read(device: "n1", format: .xml).bytes == Self.xml("n1", mtu: 2))
        let tooLarge = [UInt8](repeating: 0x41, count: ArchiveFormat.maxSize + 1)
        #expect(throws: ArchiveError.tooLarge(device: "n3", format: .tgz, size: tooLarge.count)) {
            try ArchiveRepository.validate(ArchiveEntry(device: "n3", files: [.tgz: tooLarge]))
        }
        await #expect(throws: ArchiveError.self) {
            try await archive.record(
                [
                    ArchiveEntry(device: "n2", files: [.xml: Self.xml("n2")]),
                    ArchiveEntry(device: "n3", files: [.tgz: tooLarge]),
                ], note: ArchiveNote(reason: .apply), time: 2)
        }
        #expect(await archive.head() == batch.commit.id, "nothing of the refused batch was committed")
        #expect(throws: Never.self) { try ArchiveRepository.validate(ArchiveEntry(device: "n2", files: [.xml: Self.xml("n2")])) }
        // Reopened from disk, the archive continues from its HEAD.
        let reopened = try ConfigArchive(path: path)
        #expect(try await reopened.record([ArchiveEntry(device: "n1", files: [.xml: Self.xml("n1", mtu: 2)])], note: ArchiveNote(reason: .apply), time: 3) == nil)
        let more = try await reopened.record(
            [ArchiveEntry(device: "n2", files: [.xml: Self.xml("n2")])], note: ArchiveNote(reason: .apply), time: 4)
        #expect(
            try git(path, ["ls-tree", "-r", "--name-only", "main"]).split(separator: "\n") == ["n1/running.xml", "n2/running.xml"])
        #expect(more?.commit.id == (try git(path, ["rev-parse", "main"])).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
