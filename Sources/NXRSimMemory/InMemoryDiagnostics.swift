import Foundation
import NETCONF
import NXRSim

/// The in-memory device's diagnostic state: its syslog and the size `show tech-support` is padded to. The texts come
/// from the simulator's ``DiagnosticText``, so in-memory and `nxr-sim` devices answer the same.
struct InMemoryDiagnostics: Sendable {
    var syslog: [String] = []
    var techSupportBytes = 0
}

extension InMemoryDevice {
    /// Appends lines to the device's syslog (what `get-syslog` and `show syslog` return).
    public func appendSyslog(_ lines: [String]) {
        diagnostics.syslog += lines
    }

    /// Makes `show tech-support` answer at least `bytes` bytes (a multi-MiB result for tests).
    public func setTechSupportBytes(_ bytes: Int) {
        diagnostics.techSupportBytes = max(0, bytes)
    }

    /// The reply to a diagnostic RPC (show, ping, traceroute, packet-dump, get-syslog), or nil for other RPCs.
    func diagnosticReply(messageID: String?, attributes: [XMLAttribute], operation: XMLElement) -> [UInt8]? {
        let time = now()
        let uptime = time.timeIntervalSince(bootedAt)
        let facts = DiagnosticText.Facts(
            identity: identity, address: address, state: operational(running), running: running,
            syslog: diagnostics.syslog.isEmpty
                ? ["Jan 15 08:00:00 \(identity.hostname) system: boot (\(identity.product) \(identity.firmwareVersion))"]
                : diagnostics.syslog,
            uptime: Int(uptime), techSupportBytes: diagnostics.techSupportBytes)
        switch DiagnosticText.reply(to: operation, facts) {
        case .success(let body)?: return Reply.body(messageID: messageID, body, attributes: attributes)
        case .failure(let error)?: return Reply.errors(messageID: messageID, [error], attributes: attributes)
        case nil: return nil
        }
    }
}
