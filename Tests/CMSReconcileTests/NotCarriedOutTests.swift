import CMSModel
import CMSReconcile
import Testing

@Suite("What cmsd does not carry out yet is named, never ignored silently")
struct NotCarriedOutTests {
    static let tenant = Tenant(code: "century", timeZone: "Asia/Tokyo")

    @Test func aRevisionWithOnlyDevicesAndEnforcedBaselinesHasNothingToSay() {
        let device = Device(
            code: "nxr01", product: .nxr120,
            configs: [ConfigFileRef(file: "baseline.xml", type: .xml, enforce: true)])
        #expect(NotCarriedOut.kinds(in: TenantSnapshot(tenant: Self.tenant, devices: [device])).isEmpty)
    }

    @Test func eachKindIsNamedWithItsIssue() {
        let device = Device(code: "nxr01", product: .nxr120)
        let kinds = NotCarriedOut.kinds(in: TenantSnapshot(tenant: Self.tenant, devices: [device], mail: Mail()))
        #expect(kinds == ["mail alerts (issue 14)"])
    }

    @Test func configFilesAndAutoConfigAreCarriedOut() {
        let device = Device(
            code: "nxr01", product: .nxr120,
            configs: [
                ConfigFileRef(file: "boot.tgz", type: .tgz, autoConfig: true, autoConfigSave: true),
                ConfigFileRef(file: "old.config", type: .showConfig),
            ])
        #expect(NotCarriedOut.kinds(in: TenantSnapshot(tenant: Self.tenant, devices: [device])).isEmpty)
    }
}
