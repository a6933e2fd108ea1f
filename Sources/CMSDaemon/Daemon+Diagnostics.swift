import CMSAPI

/// The daemon answers the diagnostics routes (docs/diagnostics.md, docs/api.md).
extension Daemon: DiagnosticsControl {
    private func collector(_ tenant: String) throws(APIError) -> SyslogCollector {
        guard let collector = syslogCollector(for: tenant) else { throw APIError.notFound("tenant", tenant) }
        return collector
    }

    /// The syslog collector of a tenant: the entry point of the schedules' "fetch syslog" command. Made on each call
    /// (it holds no state of its own) so it always speaks to the tenant's current controller (a restore replaces it).
    public func syslogCollector(for tenant: String) -> SyslogCollector? {
        guard let controller = controllers[tenant] else { return nil }
        return SyslogCollector(
            controller: controller,
            store: SyslogStore(
                dataFolder: configuration.dataFolder, tenant: tenant, keep: configuration.diagnostics.syslogKeep),
            diagnostics: diagnostics)
    }

    public func exec(_ tenant: String, device: String, command: ExecCommand, user: String?) async throws(APIError)
        -> ChunkedOutput
    {
        try await diagnostics.exec(command, device: device, on: try collector(tenant).controller, user: user)
    }

    public func fetchSyslog(_ tenant: String, target: SyslogTarget, user: String?) async throws(APIError)
        -> SyslogFetchReport
    {
        try await collector(tenant).fetch(target, user: user)
    }

    public func syslogFiles(_ tenant: String, device: String) async throws(APIError) -> SyslogFileList {
        try await collector(tenant).files(device: device)
    }

    public func syslogFile(_ tenant: String, device: String, index: Int) async throws(APIError) -> ChunkedOutput {
        .bytes(try await collector(tenant).file(device: device, index: index), chunkBytes: diagnostics.settings.chunkBytes)
    }
}
