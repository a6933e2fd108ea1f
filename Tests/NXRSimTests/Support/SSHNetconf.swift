import Foundation
@testable import NXRSim

/// Runs a scripted NETCONF 1.0 session through the real OpenSSH client (`ssh -s … netconf`).
enum SSHNetconf {
    static let hello = """
        <?xml version="1.0" encoding="UTF-8"?><hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">\
        <capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>
        """

    /// Sends the hello, each operation (wrapped in `<rpc>` with message-ids 1…n) and, unless told not to,
    /// a final close-session.
    static func run(
        _ fleet: TestFleet, _ device: SimulatedDevice, _ operations: [String], close: Bool = true,
        knownHosts: String? = nil, timeout: TimeInterval = 90
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let snapshot = try await device.snapshot().get()
        let hosts: String
        if let knownHosts { hosts = knownHosts } else { hosts = try await fleet.knownHosts(for: device) }
        var input = Self.hello
        for (index, operation) in operations.enumerated() {
            input +=
                "<rpc message-id=\"\(index + 1)\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\(operation)</rpc>]]>]]>"
        }
        if close {
            input +=
                "<rpc message-id=\"close\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><close-session/></rpc>]]>]]>"
        }
        return try Shell.run(
            "/usr/bin/ssh",
            [
                "-F", "/dev/null", "-T", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=\(hosts)", "-o", "Ciphers=aes128-ctr", "-o", "MACs=hmac-sha2-256",
                "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=20", "-i", fleet.keyPath, "-p", String(snapshot.port),
                "-s", "century@\(snapshot.address)", "netconf",
            ], stdin: input, timeout: timeout)
    }

    static func vendor(_ body: String) -> String {
        // Only the placeholder in the opening tag (`<ping NXR>`, `<reboot NXR/>`), never text like NXR-120.
        body.replacingOccurrences(of: " NXR>", with: " xmlns=\"\(SimModel.namespace)\">")
            .replacingOccurrences(of: " NXR/>", with: " xmlns=\"\(SimModel.namespace)\"/>")
    }

    /// Polls until `condition` holds or `seconds` pass.
    static func eventually(_ seconds: Double = 15, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }
}
