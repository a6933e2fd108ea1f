import CMSAPI
import CMSModel
import NXRModel

/// Syslog collection of one tenant (SPEC §7, docs/diagnostics.md): fetches a device's syslog (`get-syslog`) under the
/// diagnostics cap, keeps it gzip-compressed in ``SyslogStore`` (the newest 5 per device), and records
/// `syslog.fetch.succeeded` / `syslog.fetch.failed` with the user (API user or schedule).
///
/// The schedules engine calls ``fetch(device:user:)`` (one device) or ``fetch(devices:user:)`` for the "fetch
/// syslog" command; `cms syslog fetch` reaches the same through the API.
public final class SyslogCollector: Sendable {
    public let controller: TenantController
    public let store: SyslogStore
    let diagnostics: Diagnostics

    public init(controller: TenantController, store: SyslogStore, diagnostics: Diagnostics) {
        self.controller = controller
        self.store = store
        self.diagnostics = diagnostics
    }

    /// Fetches and stores the syslog of one managed device now. Never throws: the result says what happened (and
    /// the event is recorded either way, except for a device the revision does not manage).
    @discardableResult
    public func fetch(device: String, user: String?) async -> SyslogFetchReport.Result {
        let agent: DeviceAgent
        do {
            agent = try await controller.diagnosticsAgent(device)
        } catch {
            return SyslogFetchReport.Result(device: device, error: error.message)
        }
        let failure = { (message: String) async -> SyslogFetchReport.Result in
            await self.controller.recordDiagnostics([
                Event(
                    time: self.controller.now(), tenant: self.controller.code, type: .syslogFetchFailed,
                    device: device, user: user, details: ["error": message])
            ])
            return SyslogFetchReport.Result(device: device, error: message)
        }
        let text: String
        do {
            text = try await diagnostics.run(
                .getSyslog(lines: nil), on: agent, device: device, timeout: diagnostics.settings.timeout,
                bounded: false)
        } catch {
            return await failure(error.message)
        }
        let time = controller.now()
        let bytes = Array(text.utf8)
        let name: String
        do {
            name = try store.add(device: device, text: bytes, micros: time.microsecondsSince1970)
        } catch {
            return await failure("cannot store it: \(error.description)")
        }
        await controller.recordDiagnostics([
            Event(
                time: time, tenant: controller.code, type: .syslogFetchSucceeded, device: device, user: user,
                details: ["file": name, "bytes": String(bytes.count)])
        ])
        return SyslogFetchReport.Result(device: device, file: name, bytes: bytes.count)
    }

    /// Fetches several devices at once (each under the diagnostics cap); results in the order given.
    public func fetch(devices: [String], user: String?) async -> SyslogFetchReport {
        let results = await withTaskGroup(of: (Int, SyslogFetchReport.Result).self) { group in
            for (index, device) in devices.enumerated() {
                group.addTask { (index, await self.fetch(device: device, user: user)) }
            }
            var results: [(Int, SyslogFetchReport.Result)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return SyslogFetchReport(results: results)
    }

    /// `cms syslog fetch DEVICE | --group G`.
    public func fetch(_ target: SyslogTarget, user: String?) async throws(APIError) -> SyslogFetchReport {
        switch target {
        case .device(let device):
            _ = try await controller.diagnosticsAgent(device)
            return SyslogFetchReport(results: [await fetch(device: device, user: user)])
        case .group(let group):
            return await fetch(devices: try await controller.groupMembers(group), user: user)
        }
    }

    /// The kept files of a managed device, newest first.
    public func files(device: String) async throws(APIError) -> SyslogFileList {
        _ = try await controller.diagnosticsAgent(device)
        do {
            let files = try store.list(device: device)
            return SyslogFileList(
                device: device,
                files: files.enumerated().map { index, file in
                    SyslogFileList.File(
                        index: index + 1, name: file.name, fetchedAt: Timestamp(microsecondsSince1970: file.micros),
                        compressedBytes: file.bytes)
                })
        } catch {
            throw APIError(status: 400, code: "bad-request", message: error.description)
        }
    }

    /// File `index` (1 = newest) of a managed device, decompressed.
    public func file(device: String, index: Int) async throws(APIError) -> [UInt8] {
        _ = try await controller.diagnosticsAgent(device)
        do {
            return try store.read(device: device, index: index)
        } catch {
            throw APIError(status: 404, code: "syslog-not-found", message: error.description)
        }
    }
}
