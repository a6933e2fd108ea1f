import CMSModel
import CMSStore
import Testing

/// Searching events by a git author (issue 10): the user of a git change is `Name <email>`, longer than the
/// original's 16-character user names; a search by the whole author, the name or the e-mail finds it, in both stores.
@Suite("Event search by git author")
struct EventAuthorSearchTests {
    static let t0 = Timestamp.seconds(1_800_000_000)
    static let users: [String?] = [
        "Alice Example <alice.example@example.com>", "Alice <alice@example.com>", "bob", nil,
        "Alice Example Jr <ALICE.EXAMPLE@example.com>", "山田 太郎 <yamada@example.jp>",
    ]

    /// (filter, the indexes of `users` it finds)
    static let rows: [(String, [Int])] = [
        ("Alice Example <alice.example@example.com>", [0]),
        ("Alice Example", [0]),
        ("alice.example@example.com", [0, 4]),
        ("Alice.Example@Example.com", [0, 4]),
        ("Alice", [1]),
        ("alice@example.com", [1]),
        ("bob", [2]),
        ("山田 太郎", [5]),
        ("yamada@example.jp", [5]),
        ("example.com", []),
        ("Alice Ex", []),
        ("alice%", []),
        ("_lice", []),
    ]

    @Test(arguments: StoreKind.allCases)
    func aGitAuthorIsFoundByWholeAuthorNameOrEmail(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        try await store.append(
            Self.users.enumerated().map { index, user in
                Event(
                    time: Self.t0 + .seconds(Int64(index)), tenant: "acme", type: .gitApplySucceeded, user: user,
                    details: ["n": String(index)])
            })
        for (filter, expected) in Self.rows {
            let found = try await store.search(EventQuery(tenant: "acme", user: filter, order: .ascending))
            #expect(found.map { $0.details["n"] ?? "?" } == expected.map(String.init), "user filter '\(filter)'")
        }
    }
}
