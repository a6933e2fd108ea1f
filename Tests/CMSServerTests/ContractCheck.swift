import Foundation
import TestSupport
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The validating hook of the API test harness: every answer ``TestServer/request(_:_:token:headers:)`` receives
/// is checked against the contract, schemas/openapi.yaml, and a violation fails the test that got it.
///
/// The checking is done by `scripts/openapi_check.py serve` — Python's `jsonschema` (Draft 2020-12, the dialect of
/// OpenAPI 3.1) — started once per test process on a loopback port. Swift has no maintained JSON Schema validator
/// among the packages we can use (OpenAPIKit parses and validates the document, not instances against it), and
/// the same library is what schemathesis uses against the live `cmsd` (`SchemathesisTests`), so both read the
/// contract alike.
actor ContractCheck {
    static let shared = ContractCheck()
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var script: String { packageRoot.appendingPathComponent("scripts/openapi_check.py").path }

    private var starting: Task<Int, any Error>?
    /// Held open: the checker exits when its standard input closes, i.e. when this test process ends.
    private var keepAlive: Pipe?

    /// The contract violations of one answer; empty when it keeps the contract.
    func violations(method: String, path: String, status: Int, contentType: String?, body: Data) async throws
        -> [String]
    {
        let port = try await port()
        var payload: [String: Any] = [
            "method": method, "path": path, "status": status, "body": body.base64EncodedString(),
        ]
        if let contentType { payload["contentType"] = contentType }
        let answer = try await Self.post(port: port, JSONSerialization.data(withJSONObject: payload))
        guard let object = try JSONSerialization.jsonObject(with: answer) as? [String: Any],
            let errors = object["errors"] as? [String]
        else { throw TestFailure("openapi_check answered \(String(decoding: answer, as: UTF8.self))") }
        return errors
    }

    private func port() async throws -> Int {
        if let starting { return try await starting.value }
        let pipe = Pipe()
        keepAlive = pipe
        let task = Task { () throws -> Int in
            let port = try LoopbackPort.free()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", Self.script, "serve", String(port)]
            process.standardInput = pipe
            try process.run()
            // Ready when it answers; a probe of a route not in the contract must come back as a violation.
            let probe = try JSONSerialization.data(withJSONObject: [
                "method": "GET", "path": "/healthz", "status": 200, "contentType": "application/json",
                "body": Data(#"{"status":"ok"}"#.utf8).base64EncodedString(),
            ])
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                if (try? await Self.post(port: port, probe)) != nil { return port }
                guard process.isRunning else {
                    throw TestFailure("scripts/openapi_check.py exited (\(process.terminationStatus)); run scripts/setup.sh")
                }
                try await Task.sleep(for: .milliseconds(50))  // waiting for a child process to listen, not for time
            }
            throw TestFailure("scripts/openapi_check.py did not listen on 127.0.0.1:\(port) within 30 s")
        }
        starting = task
        return try await task.value
    }

    private static func post(port: Int, _ body: Data) async throws -> Data {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/")!, timeoutInterval: 30)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw TestFailure("openapi_check: \(response)") }
        return data
    }
}
