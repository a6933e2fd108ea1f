import CMSDaemon
import ConfigArchive
import Foundation
import Testing

/// The restore / auto-config journal and the ssh:// URL check, without a device.
@Suite struct ArchiveJournalTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)/t.json").path

    @Test func anAutoConfigBootIsDecidedOnceEvenAcrossARestart() async {
        let journal = ArchiveJournal(path: path)
        #expect(await journal.claimAutoConfigBoot("nxr01", boot: 7))
        #expect(await !journal.claimAutoConfigBoot("nxr01", boot: 7), "the second announcement of one boot")
        let reopened = ArchiveJournal(path: path)
        #expect(await !reopened.claimAutoConfigBoot("nxr01", boot: 7), "after a restart of cmsd")
        #expect(await reopened.claimAutoConfigBoot("nxr01", boot: 8), "the next boot")
        #expect(await reopened.claimAutoConfigBoot("nxr02", boot: 7), "another device")
    }

    @Test func aPendingRestoreSurvivesARestartUntilItIsFinished() async throws {
        let journal = ArchiveJournal(path: path)
        let restore = ArchiveJournal.PendingRestore(
            device: "nxr01", format: .xml, source: "file", user: "bob", content: Array("<data/>".utf8), started: 1)
        #expect(await journal.begin(restore))
        let reopened = ArchiveJournal(path: path)
        #expect(await reopened.pending("nxr01") == restore)
        #expect(await reopened.finish("nxr01") == restore)
        #expect(await ArchiveJournal(path: path).pending("nxr01") == nil)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aDamagedJournalIsSetAsideNotFatal() async throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
        let journal = ArchiveJournal(path: path)
        #expect(await journal.pending("x") == nil)
        #expect(FileManager.default.fileExists(atPath: path + ".damaged"))
    }

    @Test(arguments: [
        ("ssh://backup@127.0.0.1:2222/srv/nxr01.xml", "ssh://backup@127.0.0.1:2222/srv/nxr01.xml"),
        ("ssh://backup@files.example/srv/a.tgz", "ssh://backup@files.example:22/srv/a.tgz"),
    ])
    func sshTargetsAreParsed(url: String, normalised: String) throws {
        #expect(try SSHTarget(url).description == normalised)
    }

    @Test(arguments: [
        "ssh://backup:hunter2@127.0.0.1/x", "http://a@b/x", "ssh://127.0.0.1/x", "ssh://a@b:99999/x", "ssh://a@b",
    ])
    func badSSHTargetsAreRefusedWithoutEchoingAPassword(url: String) {
        do {
            _ = try SSHTarget(url)
            Issue.record("\(url) was accepted")
        } catch {
            #expect(!error.description.contains("hunter2"), "\(error)")
        }
    }
}
