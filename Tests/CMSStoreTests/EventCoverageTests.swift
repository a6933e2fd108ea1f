import CMSModel
import Foundation
import Testing

/// Every catalogue type is either emitted — an emit site in `Sources/` and a test in `Tests/` that names it — or
/// listed below as not emitted yet, with the issue that will emit it. The list only shrinks: an entry that gained
/// an emit site fails this test until it is removed, and a type that lost its last emit site fails it until it is
/// listed again. (Static, from the source text: the names are the Swift case names, `.deviceConnectFailed`.)
@Suite("Event coverage")
struct EventCoverageTests {
    /// Not emitted yet, each with why or the issue that emits it.
    static let notEmittedYet: [EventType: String] = {
        var list: [EventType: String] = [:]
        let byIssue: [(String, [EventType])] = [
            (
                "issue 17 (operator experience: import through the API, sessions of the web UI)",
                [
                    .tenantImportStarted, .tenantImportSucceeded, .tenantImportFailed, .userLogoutRequested,
                ]
            ),
            ("issue 18 (hardening: the data folder's disk)", [.systemDiskFailed, .systemDiskRecovered]),
        ]
        for (issue, types) in byIssue {
            for type in types { list[type] = issue }
        }
        return list
    }()

    /// Emitted by the code, but no test names them yet — each with the issue whose tests owe it. Kept explicit so the
    /// gap is visible and can only shrink: a listed type that a test starts naming fails until it is removed here.
    static let emittedButNotTestedYet: [EventType: String] = {
        var list: [EventType: String] = [:]
        let byIssue: [(String, [EventType])] = [
        ]
        for (issue, types) in byIssue {
            for type in types { list[type] = issue }
        }
        return list
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The text of every Swift file under `folder`, except those whose path contains one of `excluding`.
    static func swiftText(under folder: String, excluding: [String]) throws -> String {
        let root = packageRoot.appendingPathComponent(folder)
        let enumerator = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        var text = ""
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            guard !excluding.contains(where: { url.path.contains($0) }) else { continue }
            text += try String(contentsOf: url, encoding: .utf8) + "\n"
        }
        return text
    }

    /// The Swift case name of each type (`deviceConnectFailed`), read from the enum's declaration.
    static func caseNames() throws -> [EventType: String] {
        let declaration = try String(
            contentsOf: packageRoot.appendingPathComponent("Sources/CMSModel/Events/EventType.swift"), encoding: .utf8)
        let pattern = try Regex(#"case (\w+) = "([^"]+)""#)
        var names: [EventType: String] = [:]
        for match in declaration.matches(of: pattern) {
            guard let name = match.output[1].substring, let raw = match.output[2].substring,
                let type = EventType(rawValue: String(raw))
            else { continue }
            names[type] = String(name)
        }
        return names
    }

    /// Every identifier written right after a dot (`.deviceConnectFailed`, `EventType.mailSent`) in `text`.
    static func dottedNames(in text: String) -> Set<Substring> {
        var names = Set<Substring>()
        let isIdentifier: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "_" }
        var index = text.startIndex
        while let dot = text[index...].firstIndex(of: ".") {
            let start = text.index(after: dot)
            let end = text[start...].firstIndex { !isIdentifier($0) } ?? text.endIndex
            if start < end { names.insert(text[start..<end]) }
            index = end > start ? end : start
        }
        return names
    }

    @Test func everyTypeIsEmittedAndTestedOrListedWithItsIssue() throws {
        let names = try Self.caseNames()
        #expect(names.count == EventType.allCases.count, "every case is read from its declaration")
        let sources = Self.dottedNames(
            in: try Self.swiftText(
                under: "Sources", excluding: ["Events/EventType.swift", "Events/EventType+Catalogue.swift"]))
        let tests = Self.dottedNames(
            in: try Self.swiftText(under: "Tests", excluding: ["EventCoverageTests.swift", "EventCatalogueTests.swift"]))
        var missing: [String] = []
        var untested: [String] = []
        var stale: [String] = []
        var testedNow: [String] = []
        for type in EventType.allCases {
            let name = try #require(names[type])
            let emitted = sources.contains(Substring(name))
            switch (emitted, Self.notEmittedYet[type]) {
            case (true, .some): stale.append(type.rawValue)
            case (false, .none): missing.append(type.rawValue)
            case (true, .none):
                let tested = tests.contains(Substring(name))
                switch (tested, Self.emittedButNotTestedYet[type]) {
                case (false, .none): untested.append(type.rawValue)
                case (true, .some): testedNow.append(type.rawValue)
                default: break
                }
            case (false, .some): break
            }
        }
        #expect(missing.isEmpty, "no emit site and not listed as not emitted yet: \(missing)")
        #expect(untested.isEmpty, "emitted but no test names them: \(untested)")
        #expect(testedNow.isEmpty, "listed as not tested yet but a test names them now — remove them from the list: \(testedNow)")
        #expect(stale.isEmpty, "listed as not emitted yet but now emitted — remove them from the list: \(stale)")
    }

    @Test func theListShrinksTowardsNothing() {
        // 75 of 115 types were not emitted when issue 10 began; 28 after the firmware, config-archive, schedules,
        // diagnostics, mail and backup work landed (and 19 emitted ones still owe a test). Both may only go down.
        #expect(Self.notEmittedYet.count <= 6)
        #expect(Self.emittedButNotTestedYet.count <= 0)
    }
}
