import CMSMail
import CMSModel
import Testing

/// The original's rule, as a table over time: nothing sent within the interval → the mail goes 10 s after the
/// event; events within the interval are batched into one mail at its end.
@Suite("AlertPolicy: when monitor mails go")
struct AlertPolicyTests {
    static let t0 = Timestamp.seconds(1_800_000_000)

    static func event(_ device: String, _ kind: MonitorEvent.Kind, at seconds: Int64) -> MonitorEvent {
        MonitorEvent(device: device, name: device, address: "192.0.2.1", kind: kind, time: t0 + .seconds(seconds))
    }

    enum Step {
        case event(String, MonitorEvent.Kind, Int64)
        case tick(Int64)
    }

    struct Case: CustomTestStringConvertible {
        var name: String
        var steps: [Step]
        /// (tick time, devices and kinds of the mail sent then), in order.
        var mails: [(Int64, [String])]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "a lone event is mailed 10 s later, not before",
            steps: [.event("a", .down, 0), .tick(9), .tick(10)], mails: [(10, ["a DOWN"])]),
        Case(
            name: "five events inside the 10 s wait are one mail",
            steps: [
                .event("a", .down, 0), .event("b", .down, 2), .event("c", .down, 4), .event("a", .up, 6),
                .event("d", .down, 9), .tick(10),
            ],
            mails: [(10, ["a DOWN", "b DOWN", "c DOWN", "a UP", "d DOWN"])]),
        Case(
            name: "an event within the interval after a mail waits for the interval's end",
            steps: [.event("a", .down, 0), .tick(10), .event("b", .down, 100), .tick(110), .tick(309), .tick(310)],
            mails: [(10, ["a DOWN"]), (310, ["b DOWN"])]),
        Case(
            name: "events spread over the interval are batched into one mail at its end",
            steps: [
                .event("a", .down, 0), .tick(10), .event("b", .down, 50), .event("c", .down, 150),
                .event("b", .up, 250), .tick(310),
            ],
            mails: [(10, ["a DOWN"]), (310, ["b DOWN", "c DOWN", "b UP"])]),
        Case(
            name: "after a quiet interval the next event is again mailed 10 s later",
            steps: [.event("a", .down, 0), .tick(10), .event("a", .up, 400), .tick(410)],
            mails: [(10, ["a DOWN"]), (410, ["a UP"])]),
        Case(
            name: "an event 5 s before the interval ends still waits its 10 s",
            steps: [.event("a", .down, 0), .tick(10), .event("b", .down, 305), .tick(310), .tick(315)],
            mails: [(10, ["a DOWN"]), (315, ["b DOWN"])]),
    ]

    @Test(arguments: cases)
    func mailsGoWhenTheRuleSays(_ testCase: Case) {
        var policy = AlertPolicy(interval: .seconds(300))
        var mails: [(Int64, [String])] = []
        for step in testCase.steps {
            switch step {
            case .event(let device, let kind, let at):
                let actions = policy.received(Self.event(device, kind, at: at))
                #expect(actions.count == 1, "an event always arms a wake")
            case .tick(let at):
                for case .send(let batch) in policy.tick(now: Self.t0 + .seconds(at)) {
                    mails.append((at, batch.map { "\($0.device) \($0.kind.rawValue)" }))
                }
            }
        }
        #expect(mails.map(\.0) == testCase.mails.map(\.0))
        #expect(mails.map(\.1) == testCase.mails.map(\.1))
    }

    @Test func aRecoveryKnowsHowLongTheDeviceWasDownAcrossMails() {
        var policy = AlertPolicy(interval: .seconds(60))
        _ = policy.received(Self.event("a", .down, at: 0))
        _ = policy.received(Self.event("a", .down, at: 5))  // a second DOWN does not move the start
        _ = policy.tick(now: Self.t0 + .seconds(10))
        _ = policy.received(Self.event("a", .up, at: 200))
        guard case .send(let batch)? = policy.tick(now: Self.t0 + .seconds(210)).first else {
            Issue.record("no mail")
            return
        }
        #expect(batch.first?.downFor == .seconds(200))
        #expect(policy.downSince.isEmpty)
    }

    @Test func thePolicySurvivesARoundTripThroughItsStoredForm() throws {
        var policy = AlertPolicy(interval: .seconds(120))
        _ = policy.received(Self.event("a", .down, at: 0))
        let data = try JSONEncoder().encode(policy)
        let restored = try JSONDecoder().decode(AlertPolicy.self, from: data)
        #expect(restored == policy)
        #expect(restored.dueAt == Self.t0 + .seconds(10))
    }
}

import Foundation
