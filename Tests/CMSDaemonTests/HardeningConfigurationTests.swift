import CMSDaemon
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The cmsd.yaml settings, file-descriptor budget and data-folder modes of issue 18 (items 3 and 9).
@Suite struct HardeningConfigurationTests {
    @Test func apiConnectionSettingsAreReadAndDefaulted() throws {
        let given = try DaemonConfiguration.parse(
            """
            limits: {apiConnections: 64}
            timing: {apiHeaderTimeout: 500ms, apiIdleTimeout: 2s}
            tenants: [{code: t1, repo: /srv/t1}]
            """, file: "c.yaml", relativeTo: "/srv")
        #expect(given.limits.apiConnections == 64)
        #expect(given.timing.apiHeaderTimeout == .milliseconds(500))
        #expect(given.timing.apiIdleTimeout == .seconds(2))
        let defaults = try DaemonConfiguration.parse("tenants: [{code: t1, repo: /srv/t1}]", file: "c.yaml", relativeTo: "/srv")
        #expect(defaults.limits.apiConnections == 256)
        #expect(defaults.timing.apiHeaderTimeout == .seconds(10))
        #expect(defaults.timing.apiIdleTimeout == .seconds(60))
        #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration.parse(
                "limits: {apiConnections: 0}\ntenants: [{code: t1, repo: /srv/t1}]", file: "c.yaml", relativeTo: "/")
        }
    }

    /// (open-file limit, tenants, limits.apiConnections) → (api, devices), or nil for a refusal.
    static let budgets: [(Int, Int, Int, (api: Int, devices: Int)?)] = [
        (1024, 1, 256, (api: 236, devices: 708)),  // the common default: 80 reserved, 944 shared
        (20000, 2, 256, (api: 256, devices: 19648)),  // a raised limit: the API gets its setting
        (1024, 10, 256, (api: 200, devices: 600)),
        (256, 1, 256, (api: 44, devices: 132)),
        (100, 1, 256, nil),  // 80 reserved leaves 20 < 32
        (1024, 1, 4, (api: 4, devices: 940)),
    ]

    @Test(arguments: budgets)
    func theOpenFileLimitIsShared(limit: Int, tenants: Int, api: Int, expected: (api: Int, devices: Int)?) throws {
        if let expected {
            let budget = try FileDescriptorBudget.plan(openFileLimit: limit, tenants: tenants, apiConnections: api)
            #expect(budget.api == expected.api && budget.devices == expected.devices, "\(budget)")
            #expect(budget.reserved + budget.api + budget.devices == limit, "no descriptor is counted twice")
        } else {
            let error = #expect(throws: ConfigurationError.self) {
                try FileDescriptorBudget.plan(openFileLimit: limit, tenants: tenants, apiConnections: api)
            }
            #expect(error?.message.contains("ulimit -n") == true)
        }
    }

    @Test func aPreCreated0755DataFolderAnd0644FilesAreTightened() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cms-modes-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/tenants/t1", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: folder + "/events.sqlite", contents: Data("x".utf8))
        FileManager.default.createFile(atPath: folder + "/tenants/t1/id_ed25519", contents: Data("k".utf8))
        FileManager.default.createFile(atPath: folder + "/tenants/t1/hook", contents: Data("#!/bin/sh".utf8))
        for (path, mode) in [
            (folder, 0o755), (folder + "/tenants", 0o755), (folder + "/tenants/t1", 0o750),
            (folder + "/events.sqlite", 0o644), (folder + "/tenants/t1/id_ed25519", 0o640),
            (folder + "/tenants/t1/hook", 0o755),
        ] {
            #expect(chmod(path, mode_t(mode)) == 0)
        }
        try DataFolderModes.secure(folder)
        #expect(Self.mode(folder) == 0o700)
        #expect(Self.mode(folder + "/tenants") == 0o700)
        #expect(Self.mode(folder + "/tenants/t1") == 0o700)
        #expect(Self.mode(folder + "/events.sqlite") == 0o600)
        #expect(Self.mode(folder + "/tenants/t1/id_ed25519") == 0o600)
        #expect(Self.mode(folder + "/tenants/t1/hook") == 0o700, "the owner's executable bit stays")
    }

    @Test(arguments: [0o775, 0o757, 0o777, 0o1777])
    func aGroupOrWorldWritableDataFolderIsRefused(mode: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cms-modes-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(chmod(folder, mode_t(mode)) == 0)
        let error = #expect(throws: ConfigurationError.self) { try DataFolderModes.secure(folder) }
        #expect(error?.file == folder && error?.field == "dataFolder")
        #expect(error?.message.contains("chmod 700") == true)
        #expect(Self.mode(folder) == mode & 0o7777, "a refused folder is left as found")
    }

    static func mode(_ path: String) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { return -1 }
        return Int(info.st_mode & 0o7777)
    }
}
