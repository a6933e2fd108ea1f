import CMSModel
import CMSPlan
import CMSSchema
import Foundation
import NETCONF
import NXRModel
import Testing

/// Shared helpers of the CMSPlan tests.
enum Support {
    /// The package root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The compiler every test uses: a fixed secret, so keys are reproducible.
    static let compiler = IPsecCompiler(psk: try! PSKDerivation(secret: Array("test-secret-0123456789abcdef".utf8)))

    /// Lints `examples/tenant-repo` from disk with CMSSchema and returns its snapshot.
    static func exampleSnapshot() throws -> TenantSnapshot {
        let base = root.appending(path: "examples/tenant-repo").standardizedFileURL.path
        let walker = try #require(FileManager.default.enumerator(atPath: base))
        var files: [SourceFile] = []
        var paths: Set<String> = []
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory)
            guard !isDirectory.boolValue else { continue }
            paths.insert(relative)
            if relative.hasSuffix(".yaml") {
                files.append(
                    SourceFile(path: relative, text: try String(contentsOfFile: base + "/" + relative, encoding: .utf8))
                )
            }
        }
        let result = Linter.lint(files, repositoryPaths: paths)
        let errors = result.diagnostics.filter { $0.severity == .error }.map { "\($0.file):\($0.line) \($0.message)" }
        #expect(errors == [])
        return try #require(result.snapshot)
    }

    /// A tenant with default IKE settings and these devices and groups.
    static func snapshot(devices: [String], groups: [Group], ikeIDs: [String: CMSModel.IKEID] = [:]) -> TenantSnapshot {
        TenantSnapshot(
            tenant: Tenant(code: "century", timeZone: "Asia/Tokyo"),
            devices: devices.sorted().map { Device(code: $0, product: .nxr120, ikeID: ikeIDs[$0]) },
            groups: groups.sorted { $0.name < $1.name })
    }

    /// A mesh of `n` devices `s00`, `s01`, … with LAN 10.<i>.0.0/16 on ppp0.
    static func mesh(_ name: String, sites: [String]) -> Group {
        Group(
            name: name, type: .ipsecMesh, ipsec: IPsecParameters(),
            members: sites.enumerated().map { i, code in
                Member(device: code, wan: "ppp0", lan: .network(address: "10.\(i).0.0", prefixLength: 16))
            })
    }

    static func site(_ i: Int) -> String { String(format: "s%03d", i) }

    /// The `<ipsec>` XML of a device's policies, as bytes.
    static func xml(_ policies: ManagedPolicies) -> [UInt8] { XML.serializeBytes(policies.xml()) }
}
