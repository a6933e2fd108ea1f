import CRP
import Testing

/// Issue 18 item 5: floods of reports become a bounded number of events, in bounded memory.
@Suite("Report aggregation")
struct ReportAggregatorTests {
    @Test func theFirstReportOfAKeyPassesTheRestAreCountedIntoOneSummaryPerInterval() {
        var reports = ReportAggregator<String>(interval: .seconds(10))
        #expect(reports.note("127.0.0.9", now: .seconds(0)).verdict == .report)
        for t in 1...999 {
            #expect(reports.note("127.0.0.9", now: .milliseconds(t * 9)).verdict == .suppressed)
        }
        #expect(reports.due(now: .milliseconds(9_999)).isEmpty)
        #expect(reports.due(now: .seconds(10)) == [.init(key: "127.0.0.9", count: 999, start: .zero)])
        #expect(reports.trackedKeys == 0)
        // A new interval starts with a full report again; a quiet key leaves no summary.
        #expect(reports.note("127.0.0.9", now: .seconds(11)).verdict == .report)
        #expect(reports.due(now: .seconds(30)).isEmpty)
    }

    @Test func summariesOfEndedIntervalsComeWithTheNextNote() {
        var reports = ReportAggregator<String>(interval: .seconds(10))
        _ = reports.note("a", now: .zero)
        _ = reports.note("a", now: .seconds(1))
        let next = reports.note("a", now: .seconds(12))
        #expect(next.verdict == .report)
        #expect(next.summaries == [.init(key: "a", count: 1, start: .zero)])
    }

    struct Flood: Sendable, CustomTestStringConvertible {
        let sources: Int
        let perSource: Int
        var testDescription: String { "\(sources) sources × \(perSource)" }
    }

    @Test(
        "events per interval stay ≤ 2 × budget + 1 and memory ≤ maxKeys, whatever the sources",
        arguments: [
            Flood(sources: 1, perSource: 100_000), Flood(sources: 100_000, perSource: 1),
            Flood(sources: 300, perSource: 300),
        ])
    func bounded(flood: Flood) {
        var reports = ReportAggregator<Int>(interval: .seconds(10), maxKeys: 256, maxReportsPerInterval: 50)
        var full = 0
        var summaries: [ReportAggregator<Int>.Summary] = []
        var maxTracked = 0
        var n = 0
        for round in 0..<flood.perSource {
            for source in 0..<flood.sources {
                // All inside one interval (the times only grow).
                let now = Duration.microseconds(n / 100)
                n += 1
                let (verdict, due) = reports.note(source, now: now)
                summaries += due
                if verdict == .report { full += 1 }
                maxTracked = max(maxTracked, reports.trackedKeys)
                _ = round
            }
        }
        summaries += reports.due(now: .seconds(60))
        #expect(full <= 50)
        #expect(summaries.count <= 51)
        #expect(maxTracked <= 256)
        // Nothing is lost: every report is either full or counted in a summary.
        #expect(full + summaries.reduce(0) { $0 + $1.count } == flood.sources * flood.perSource)
    }
}
