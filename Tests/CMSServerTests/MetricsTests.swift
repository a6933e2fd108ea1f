import CMSAPI
import CMSServer
import Foundation
import Testing

/// `/metrics` is valid Prometheus text: checked by Debian's python3-prometheus-client parser.
@Suite struct MetricsTests {
    /// One sample as the reference parser read it.
    struct Sample: Decodable, Hashable {
        var family: String
        var type: String
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// Parses exposition text with prometheus_client (an independent implementation).
    static func parse(_ text: String) async throws -> [Sample] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = []
            for family in text_string_to_metric_families(open(sys.argv[1], encoding="utf-8").read()):
                for s in family.samples:
                    out.append(dict(family=family.name, type=family.type, name=s.name, labels=s.labels, value=s.value))
            print(json.dumps(out))
            """
        let result = try await runProcessCapturing("/usr/bin/python3", ["-c", script, file.path])
        guard result.status == 0 else { throw TestFailure("prometheus_client refused the text: \(result.stderr)") }
        return try JSONDecoder().decode([Sample].self, from: Data(result.stdout.utf8))
    }

    @Test func anOperatorTokenSeesEveryFamilyAndTheReferenceParserAcceptsIt() async throws {
        try await TestServer.with { server in
            let response = try await server.request("/metrics", token: Tokens.ops)
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == PrometheusText.contentType)
            let samples = try await Self.parse(response.text)
            func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
                samples.first { $0.name == name && $0.labels == labels }?.value
            }
            #expect(value("cms_devices", ["tenant": "acme", "state": "connected"]) == 1)
            #expect(value("cms_devices_sync", ["tenant": "acme", "status": "stalled"]) == 1)
            #expect(value("cms_devices_sync", ["tenant": "acme", "status": "suspended"]) == 1)
            #expect(value("cms_reconciles_total", ["tenant": "acme", "outcome": "no-changes"]) == 3)
            #expect(value("cms_reconcile_errors_total", ["tenant": "globex", "class": "terminal"]) == 2)
            #expect(value("cms_git_fetch_errors_total", ["tenant": "globex"]) == 4)
            #expect(value("cms_reconcile_duration_seconds_bucket", ["le": "0.5"]) == 2)
            #expect(value("cms_reconcile_duration_seconds_bucket", ["le": "5.0"]) == 9)
            #expect(value("cms_reconcile_duration_seconds_bucket", ["le": "+Inf"]) == 10)
            #expect(value("cms_reconcile_duration_seconds_sum") == 21.25)
            #expect(value("cms_reconcile_duration_seconds_count") == 10)
            #expect(value("cms_sessions_open") == 3)
            // A label value with a quote, a backslash and a line feed reads back exactly.
            #expect(value("cms_crp_announcements_total", ["result": "bad \"mac\"\\x\nline"]) == 1)
            // The listener's drop counters by reason (issue 18 item 9), zeros included.
            #expect(value("cms_crp_dropped_total", ["reason": "bad-signature"]) == 5)
            #expect(value("cms_crp_dropped_total", ["reason": "rate-limited"]) == 0)
            let types = Dictionary(samples.map { ($0.family, $0.type) }, uniquingKeysWith: { first, _ in first })
            #expect(types["cms_reconcile_duration_seconds"] == "histogram")
            #expect(types["cms_devices"] == "gauge")
            #expect(types["cms_reconciles"] == "counter")
            #expect(response.text.contains("# HELP cms_devices "))
            #expect(response.text.contains("# TYPE cms_reconciles_total counter"))
        }
    }

    @Test func aTenantTokenSeesOnlyItsTenantsSeriesAndNoDaemonWideOnes() async throws {
        try await TestServer.with { server in
            let response = try await server.request("/metrics", token: Tokens.acme)
            #expect(response.status == 200)
            let samples = try await Self.parse(response.text)
            #expect(!samples.isEmpty)
            #expect(samples.allSatisfy { $0.labels["tenant"] == "acme" })
            #expect(!response.text.contains("globex"))
            #expect(!response.text.contains("cms_sessions_open"))
        }
    }

    @Test func metricsNeedAToken() async throws {
        try await TestServer.with { server in
            let response = try await server.request("/metrics")
            #expect(response.status == 401)
        }
    }

    @Test func anEmptySnapshotIsStillValidText() async throws {
        let samples = try await Self.parse(PrometheusText.render(MetricsSnapshot()))
        #expect(samples.contains { $0.name == "cms_reconcile_duration_seconds_bucket" && $0.labels["le"] == "+Inf" })
        #expect(samples.contains { $0.name == "cms_sessions_open" && $0.value == 0 })
    }

    @Test func bucketsStayCumulativeWhateverTheSnapshotHolds() async throws {
        let snapshot = MetricsSnapshot(
            durationBuckets: [1, 2, 3], durationCounts: [5, 3], durationSum: 1, durationCount: 4)
        let samples = try await Self.parse(PrometheusText.render(snapshot))
        let buckets = samples.filter { $0.name == "cms_reconcile_duration_seconds_bucket" }.map(\.value)
        #expect(buckets == [4, 4, 4, 4])
    }
}
