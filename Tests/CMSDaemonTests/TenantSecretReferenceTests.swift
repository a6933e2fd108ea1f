import CMSDaemon
import CMSModel
import Foundation
import Testing

/// `cmsd` resolves a tenant repository's secret references only inside the tenant's ``SecretNamespace``: its
/// folder `<data>/tenants/<code>/secrets/` and its `CMS_<TENANT>_*` variables. `cmsd.yaml` is not confined.
@Suite("Tenant secret references resolve only inside the tenant's namespace")
struct TenantSecretReferenceTests {
    final class Folder {
        let data: String
        init() throws {
            data = FileManager.default.temporaryDirectory.appendingPathComponent("cms-secrets-\(UUID().uuidString)").path
            for tenant in ["alpha", "beta"] {
                let secrets = data + "/tenants/\(tenant)/secrets"
                try FileManager.default.createDirectory(atPath: secrets + "/sub", withIntermediateDirectories: true)
                try "\(tenant)-token\n".write(toFile: secrets + "/crp", atomically: true, encoding: .utf8)
                try "\(tenant)-nested\n".write(toFile: secrets + "/sub/key", atomically: true, encoding: .utf8)
            }
            // Links inside alpha's folder: one to beta's secret (escape), one to alpha's own file (stays inside).
            try FileManager.default.createSymbolicLink(
                atPath: data + "/tenants/alpha/secrets/escape", withDestinationPath: data + "/tenants/beta/secrets/crp")
            try FileManager.default.createSymbolicLink(
                atPath: data + "/tenants/alpha/secrets/alias", withDestinationPath: "crp")
            setenv("CMS_ALPHA_CRP", "alpha-env", 1)
            setenv("CMS_BETA_CRP", "beta-env", 1)
        }
        deinit { try? FileManager.default.removeItem(atPath: data) }
    }

    static let cases: [(reference: SecretRef, value: String?, refusal: String?)] = [
        (.file("crp"), "alpha-token", nil),
        (.file("sub/key"), "alpha-nested", nil),
        (.file("alias"), "alpha-token", nil),
        (.env("CMS_ALPHA_CRP"), "alpha-env", nil),
        (.file("escape"), nil, "leads out of the tenant's secrets folder"),
        (.file("../../beta/secrets/crp"), nil, "not in the tenant's secrets folder"),
        (.file("/etc/hostname"), nil, "not in the tenant's secrets folder"),
        (.file("missing"), nil, "does not exist"),
        (.env("CMS_BETA_CRP"), nil, "is not the tenant's"),
        (.env("HOME"), nil, "is not the tenant's"),
    ]

    @Test("a reference of tenant alpha reads its own secret or is refused with a reason", arguments: cases)
    func resolve(_ item: (reference: SecretRef, value: String?, refusal: String?)) throws {
        let folder = try Folder()
        do {
            let value = try SecretReader.read(item.reference, field: "crpSecret", tenant: "alpha", dataFolder: folder.data)
            #expect(value == item.value)
            #expect(item.refusal == nil)
        } catch {
            #expect(item.value == nil, "\(error)")
            #expect(error.description.contains(item.refusal ?? "∅"), "\(error)")
            #expect(error.field == "crpSecret")
            #expect(!error.description.contains("beta-token") && !error.description.contains("beta-env"))
        }
    }

    @Test("a hostile crpSecret gets a key nobody knows, never the other tenant's secret")
    func crpSecretsFailClosed() throws {
        let folder = try Folder()
        let secrets = CRPSecrets(dataFolder: folder.data)
        #expect(secrets.update(tenant: "alpha", reference: .file("crp")) == nil)
        #expect(secrets.secret(for: "alpha") == Array("alpha-token".utf8))
        let problem = secrets.update(tenant: "alpha", reference: .file(folder.data + "/tenants/beta/secrets/crp"))
        #expect(problem?.contains("refused") == true)
        #expect(secrets.secret(for: "alpha") != Array("beta-token".utf8))
        #expect(secrets.secret(for: "alpha")?.count == 32)
        #expect(secrets.update(tenant: "alpha", reference: .env("CMS_BETA_CRP"))?.contains("refused") == true)
        #expect(secrets.secret(for: "alpha") != Array("beta-env".utf8))
    }

    @Test("the operator's cmsd.yaml references are not confined")
    func operatorReferences() throws {
        let folder = try Folder()
        #expect(try SecretReader.read(.file(folder.data + "/tenants/beta/secrets/crp"), field: "api.token") == "beta-token")
        #expect(try SecretReader.read(.env("CMS_BETA_CRP"), field: "api.token") == "beta-env")
    }
}
