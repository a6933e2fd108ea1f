import CMSReconcile
import Testing

private func devices(_ count: Int) -> Set<String> { Set((0..<count).map { "nxr\($0)" }) }

@Suite("Safe prune")
struct PruneGuardTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let previous: Int
        let kept: Int
        let maxFraction: Double
        let message: String
        let allowed: Bool
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "nothing removed", previous: 10, kept: 10, maxFraction: 0.1, message: "x", allowed: true),
        Row(
            name: "one device of two may always go", previous: 2, kept: 1, maxFraction: 0.1, message: "",
            allowed: true),
        Row(name: "the last device may go", previous: 1, kept: 0, maxFraction: 0, message: "", allowed: true),
        Row(name: "exactly the fraction", previous: 10, kept: 8, maxFraction: 0.2, message: "", allowed: true),
        Row(name: "over the fraction", previous: 10, kept: 7, maxFraction: 0.2, message: "", allowed: false),
        Row(name: "everything", previous: 10, kept: 0, maxFraction: 0.5, message: "rm", allowed: false),
        Row(name: "everything with fraction 1", previous: 10, kept: 0, maxFraction: 1, message: "", allowed: true),
        Row(
            name: "trailer", previous: 10, kept: 0, maxFraction: 0.2,
            message: "Retire the Osaka office\n\nAll routers were returned.\n\nAllow-Prune: yes\n", allowed: true),
        Row(
            name: "trailer in other case and spacing", previous: 10, kept: 0, maxFraction: 0.2,
            message: "retire\r\n\r\n  allow-prune :  YES  \r\n", allowed: true),
        Row(
            name: "trailer saying no", previous: 10, kept: 0, maxFraction: 0.2, message: "x\n\nAllow-Prune: no",
            allowed: false),
        Row(
            name: "trailer with more words", previous: 10, kept: 0, maxFraction: 0.2,
            message: "x\n\nAllow-Prune: yes please", allowed: false),
        Row(
            name: "another trailer", previous: 10, kept: 0, maxFraction: 0.2, message: "x\n\nX-Allow-Prune: yes",
            allowed: false),
        Row(
            name: "mentioned in prose", previous: 10, kept: 0, maxFraction: 0.2,
            message: "do not add Allow-Prune: yes here", allowed: false),
        Row(name: "NaN fraction counts as 0", previous: 10, kept: 8, maxFraction: .nan, message: "", allowed: false),
    ]

    @Test("refuses large prunes unless allowed", arguments: rows)
    func decide(row: Row) {
        let previous = devices(row.previous)
        let next = devices(row.kept)
        let decision = PruneGuard.evaluate(
            previous: previous, next: next.union(["new-device"]), maxFraction: row.maxFraction,
            commitMessage: row.message)
        #expect(decision.isAllowed == row.allowed)
        #expect(decision.removed == previous.subtracting(next).sorted())
    }

    @Test("the refusal names the devices and says how to allow it")
    func message() {
        let decision = PruneGuard.evaluate(
            previous: ["a", "b", "c", "d"], next: ["d"], maxFraction: 0.25, commitMessage: "cleanup")
        guard case .refused(let removed, let message) = decision else {
            Issue.record("expected a refusal, got \(decision)")
            return
        }
        #expect(removed == ["a", "b", "c"])
        #expect(message.contains("removes 3 of 4 devices"))
        #expect(message.contains("75%"))
        #expect(message.contains("a, b, c"))
        #expect(message.contains("Allow-Prune: yes"))
    }
}
