import CMSAPI
import CMSModel
import Synchronization

/// Diagnostics of the fake control plane: the exec output names the user and the command that crossed the seam;
/// `tech-support` is 8 MiB of numbered lines made chunk by chunk (never one buffer), to prove streaming.
extension FakeControlPlane: DiagnosticsControl {
    static let bigLines = 8 << 20 / 32  // 32-byte lines: 8 MiB

    private func known(_ tenant: String, _ device: String) throws(APIError) {
        guard devicesByTenant[tenant]?.contains(where: { $0.code == device }) == true else {
            throw APIError.notFound("device", device)
        }
    }

    func exec(_ tenant: String, device: String, command: ExecCommand, user: String?) async throws(APIError)
        -> ChunkedOutput
    {
        try known(tenant, device)
        if device == "osaka-02" {
            throw APIError(status: 409, code: "device-not-connected", message: "osaka-02 is disconnected: test")
        }
        if command.kind == .techSupport {
            let next = Mutex(0)
            return ChunkedOutput(byteCount: Self.bigLines * 32) {
                next.withLock { line -> ArraySlice<UInt8>? in
                    guard line < Self.bigLines else { return nil }
                    let end = min(line + 2048, Self.bigLines)
                    var bytes: [UInt8] = []
                    for number in line..<end {
                        let text = String(number)
                        bytes += Array(("line " + String(repeating: "0", count: 26 - text.count) + text + "\n").utf8)
                    }
                    line = end
                    return bytes[...]
                }
            }
        }
        let text = Array("user=\(user ?? "-") device=\(device) command=\(command.commandLine)\n".utf8)
        let sent = Mutex(false)
        return ChunkedOutput(byteCount: text.count) {
            sent.withLock { done -> ArraySlice<UInt8>? in
                defer { done = true }
                return done ? nil : text[...]
            }
        }
    }

    func fetchSyslog(_ tenant: String, target: SyslogTarget, user: String?) async throws(APIError)
        -> SyslogFetchReport
    {
        switch target {
        case .device(let device):
            try known(tenant, device)
            return SyslogFetchReport(results: [.init(device: device, file: "syslog-1.log.gz", bytes: 42)])
        case .group(let group):
            guard group == "本社-拠点" else { throw APIError.notFound("group", group) }
            return SyslogFetchReport(results: [
                .init(device: "tokyo-01", file: "syslog-2.log.gz", bytes: 100),
                .init(device: "osaka-02", error: "osaka-02 is disconnected: by \(user ?? "-")"),
            ])
        }
    }

    func syslogFiles(_ tenant: String, device: String) async throws(APIError) -> SyslogFileList {
        try known(tenant, device)
        return SyslogFileList(
            device: device,
            files: [
                .init(index: 1, name: "syslog-1799999260000000.log.gz", fetchedAt: Timestamp.seconds(1_799_999_260), compressedBytes: 812),
                .init(index: 2, name: "syslog-1799999200000000.log.gz", fetchedAt: Timestamp.seconds(1_799_999_200), compressedBytes: 640),
            ])
    }

    func syslogFile(_ tenant: String, device: String, index: Int) async throws(APIError) -> ChunkedOutput {
        try known(tenant, device)
        guard index <= 2 else {
            throw APIError(status: 404, code: "syslog-not-found", message: "there are 2 syslog file(s) of \(device)")
        }
        let text = Array("syslog \(index) of \(device)\n".utf8)
        let sent = Mutex(false)
        return ChunkedOutput(byteCount: text.count) {
            sent.withLock { done -> ArraySlice<UInt8>? in
                defer { done = true }
                return done ? nil : text[...]
            }
        }
    }
}
