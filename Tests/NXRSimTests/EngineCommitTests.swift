import Foundation
import NETCONF
import Testing
@testable import NXRSim

/// Locks, candidate, commit, confirmed commit and notifications.
@Suite struct EngineCommitTests {
    typealias H = EngineHarness

    @Test func locksAreExclusiveAndDieWithTheirSession() throws {
        var harness = try H()
        let (first, _) = try harness.open()
        let (second, _) = try harness.open()
        #expect(try harness.rpc(first, "<lock><target><candidate/></target></lock>")?.ok == true)
        let denied = try harness.rpc(second, "<lock><target><candidate/></target></lock>")
        #expect(denied?.errors.first?.tag == "lock-denied")
        #expect(denied?.errors.first?.info.first?.name == "session-id")
        #expect(denied?.errors.first?.info.first?.text == String(first))
        let edit = try harness.rpc(second, H.edit("candidate", H.setHostname("x")))
        #expect(edit?.errors.first?.tag == "in-use")
        let unlock = try harness.rpc(second, "<unlock><target><candidate/></target></unlock>")
        #expect(unlock?.errors.first?.tag == "lock-denied")
        harness.end(first)
        #expect(try harness.rpc(second, "<lock><target><candidate/></target></lock>")?.ok == true)
    }

    @Test func aDirtyCandidateCannotBeLockedAndIsDiscardedWithItsLockHolder() throws {
        var harness = try H()
        let (first, _) = try harness.open()
        let (second, _) = try harness.open()
        _ = try harness.rpc(first, H.edit("candidate", H.setHostname("dirty")))
        let denied = try harness.rpc(second, "<lock><target><candidate/></target></lock>")
        #expect(denied?.errors.first?.tag == "lock-denied")
        #expect(try harness.rpc(first, "<discard-changes/>")?.ok == true)
        #expect(harness.hostname(harness.engine.candidate) == "nxr1")
        #expect(try harness.rpc(second, "<lock><target><candidate/></target></lock>")?.ok == true)
        _ = try harness.rpc(second, H.edit("candidate", H.setHostname("lost")))
        harness.end(second)
        #expect(harness.hostname(harness.engine.candidate) == "nxr1")
    }

    @Test func commitCopiesTheCandidateToRunning() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        _ = try harness.rpc(session, H.edit("candidate", H.setHostname("committed")))
        #expect(harness.hostname(harness.engine.running) == "nxr1")
        #expect(try harness.rpc(session, "<commit/>")?.ok == true)
        #expect(harness.hostname(harness.engine.running) == "committed")
        #expect(harness.runningChanges == 1)
    }

    @Test func aConfirmedCommitRevertsWhenItTimesOut() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        _ = try harness.rpc(session, H.edit("candidate", H.setHostname("trial")))
        #expect(
            try harness.rpc(session, "<commit><confirmed/><confirm-timeout>60</confirm-timeout></commit>")?.ok == true)
        #expect(harness.hostname(harness.engine.running) == "trial")
        #expect(harness.engine.nextDeadline == harness.now.addingTimeInterval(60))
        harness.advance(59)
        #expect(harness.hostname(harness.engine.running) == "trial")
        harness.advance(2)
        #expect(harness.hostname(harness.engine.running) == "nxr1")
        #expect(harness.hostname(harness.engine.candidate) == "nxr1")
        #expect(!harness.engine.confirmedCommitPending)
    }

    @Test func theDefaultConfirmTimeoutIs600Seconds() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        _ = try harness.rpc(session, H.edit("candidate", H.setHostname("trial")))
        _ = try harness.rpc(session, "<commit><confirmed/></commit>")
        #expect(harness.engine.nextDeadline == harness.now.addingTimeInterval(600))
    }

    @Test func aConfirmingCommitKeepsTheChange() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        _ = try harness.rpc(session, H.edit("candidate", H.setHostname("kept")))
        _ = try harness.rpc(session, "<commit><confirmed/><confirm-timeout>10</confirm-timeout></commit>")
        #expect(try harness.rpc(session, "<commit/>")?.ok == true)
        harness.advance(100)
        #expect(harness.hostname(harness.engine.running) == "kept")
    }

    @Test func aConfirmedCommitRevertsWhenItsSessionDrops() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        let (other, _) = try harness.open()
        _ = try harness.rpc(session, H.edit("candidate", H.setHostname("trial")))
        _ = try harness.rpc(session, "<commit><confirmed/></commit>")
        let foreign = try harness.rpc(other, "<commit/>")
        #expect(foreign?.errors.first?.tag == "in-use")
        harness.end(session)
        #expect(harness.hostname(harness.engine.running) == "nxr1")
    }

    @Test func aPersistentConfirmedCommitSurvivesItsSessionAndIsConfirmedByPersistID() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        _ = try harness.rpc(session, H.edit("candidate", H.setHostname("persisted")))
        _ = try harness.rpc(session, "<commit><confirmed/><persist>abc</persist></commit>")
        harness.end(session)
        #expect(harness.hostname(harness.engine.running) == "persisted")
        let (other, _) = try harness.open()
        #expect(
            try harness.rpc(other, "<commit><persist-id>wrong</persist-id></commit>")?.errors.first?.tag
                == "invalid-value")
        #expect(try harness.rpc(other, "<commit><persist-id>abc</persist-id></commit>")?.ok == true)
        harness.advance(1000)
        #expect(harness.hostname(harness.engine.running) == "persisted")
    }

    @Test func cancelCommitRevertsAtOnce() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        #expect(try harness.rpc(session, "<cancel-commit/>")?.errors.first?.tag == "invalid-value")
        _ = try harness.rpc(session, H.edit("candidate", H.setHostname("trial")))
        _ = try harness.rpc(session, "<commit><confirmed/></commit>")
        #expect(try harness.rpc(session, "<cancel-commit/>")?.ok == true)
        #expect(harness.hostname(harness.engine.running) == "nxr1")
    }

    @Test func subscribersAreToldAboutConfigChanges() throws {
        var harness = try H()
        let (watcher, _) = try harness.open()
        let (editor, _) = try harness.open()
        #expect(
            try harness.rpc(watcher, "<create-subscription xmlns=\"\(NETCONFNamespace.notification)\"/>")?.ok == true)
        _ = try harness.rpc(editor, H.edit("running", H.setHostname("changed")))
        let note = harness.notifications[watcher]?.first
        #expect(note?.content.first?.name == "config-change")
        #expect(note?.content.first?.child("session-id")?.text == String(editor))
        #expect(note?.content.first?.child("datastore")?.text == "running")
        #expect(note?.content.first?.children("target").map(\.text) == ["system"])
        #expect(harness.notifications[editor] == nil)
    }

    @Test func outOfBandChangesAndRevertsAreNotified() throws {
        var harness = try H()
        let (watcher, _) = try harness.open()
        _ = try harness.rpc(watcher, "<create-subscription xmlns=\"\(NETCONFNamespace.notification)\"/>")
        var drifted = harness.engine.running
        _ = ConfigEdit.apply(try XML.parse("<c>\(H.setHostname("console"))</c>").elements, to: &drifted)
        harness.consume(harness.engine.replaceRunning(drifted, now: harness.now))
        let note = harness.notifications[watcher]?.last?.content.first
        #expect(note?.child("username")?.text == "local")
        #expect(note?.child("session-id")?.text == "0")
        let (editor, _) = try harness.open()
        _ = try harness.rpc(
            editor,
            H.edit("candidate", "<interfaces xmlns=\"\(H.ns)\"><interface><name>ppp0</name></interface></interfaces>"))
        _ = try harness.rpc(editor, "<commit><confirmed/><confirm-timeout>5</confirm-timeout></commit>")
        harness.advance(6)
        let revert = harness.notifications[watcher]?.last?.content.first
        #expect(revert?.children("target").map(\.text) == ["interfaces"])
        #expect(harness.notifications[watcher]?.count == 3)
    }

    @Test func faultsRejectEditsAndCrashCommits() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        harness.engine.faults.rejectEdits = true
        #expect(
            try harness.rpc(session, H.edit("candidate", H.setHostname("x")))?.errors.first?.tag == "operation-failed")
        harness.engine.faults.rejectEdits = false
        _ = try harness.rpc(session, H.edit("candidate", H.setHostname("x")))
        harness.engine.faults.crashDuringCommit = true
        #expect(try harness.rpc(session, "<commit/>") == nil)
        #expect(harness.crashed)
        #expect(harness.hostname(harness.engine.running) == "nxr1")
    }
}
