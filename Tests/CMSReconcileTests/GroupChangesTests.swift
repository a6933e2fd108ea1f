import CMSModel
import CMSReconcile
import Testing

@Suite("Group events between two revisions")
struct GroupChangesTests {
    static func group(_ name: String, _ members: [String]) -> Group {
        Group(name: name, type: .none, members: members.map { Member(device: $0) })
    }

    @Test func theFirstRevisionAddsEveryGroupWithItsMembers() {
        #expect(
            GroupChange.between(nil, [Self.group("tokyo", ["b", "a"])]) == [
                GroupChange(.groupAdded, group: "tokyo"),
                GroupChange(.groupMemberJoined, group: "tokyo", device: "a"),
                GroupChange(.groupMemberJoined, group: "tokyo", device: "b"),
            ])
    }

    @Test(arguments: [
        // (previous, next, expected)
        ([("g", ["a"])], [("g", ["a"])], [String]()),
        ([("g", ["a"])], [("g", ["a", "b"])], ["group.member.joined g b"]),
        ([("g", ["a", "b"])], [("g", ["b"])], ["group.member.left g a"]),
        ([("g", ["a"])], [("g", ["b"])], ["group.member.joined g b", "group.member.left g a"]),
        ([("g", ["a"])], [], ["group.member.left g a", "group.deleted g"]),
        ([], [("h", [])], ["group.added h"]),
        ([("a", ["x"]), ("b", ["x"])], [("b", ["x"]), ("c", ["x"])],
         ["group.member.left a x", "group.deleted a", "group.added c", "group.member.joined c x"]),
    ] as [([(String, [String])], [(String, [String])], [String])])
    func changes(previous: [(String, [String])], next: [(String, [String])], expected: [String]) {
        let changes = GroupChange.between(previous.map { Self.group($0.0, $0.1) }, next.map { Self.group($0.0, $0.1) })
        #expect(changes.map { [$0.type.rawValue, $0.group, $0.device].compactMap { $0 }.joined(separator: " ") } == expected)
    }
}
