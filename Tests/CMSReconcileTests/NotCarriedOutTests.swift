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

    /// Mail alerts are carried out (issue 14): a Mail document is not named.
    @Test func eachKindIsNamedWithItsIssue() {
        let device = Device(
            code: "nxr01", product: .nxr120,
            configs: [ConfigFileRef(file: "boot.tgz", type: .tgz, autoConfig: true)])
        let kinds = NotCarriedOut.kinds(in: TenantSnapshot(tenant: Self.tenant, devices: [device], mail: Mail()))
        #expect(
            kinds == [
                "config files other than enforced baselines (1 file(s), 1 flagged auto-config; issue 12)"
            ])
    }

    @Test func firmwareIsCarriedOutSinceIssue11() {
        let device = Device(code: "nxr01", product: .nxr230, firmware: FirmwareTarget(image: "v6"))
        let image = FirmwareImage(
            name: "v6", product: .nxr230, version: "6.0", source: .store, sha256: String(repeating: "a", count: 64))
        let snapshot = TenantSnapshot(tenant: Self.tenant, devices: [device], firmware: [image])
        #expect(NotCarriedOut.kinds(in: snapshot).isEmpty)
    }
}

@Suite("Schedules: only the commands cmsd does not carry out are named")
struct NotCarriedOutScheduleTests {
    @Test func rebootSchedulesAreCarriedOutTheOthersAreNamedWithTheirIssues() {
        let when = ScheduleTime.weekday(.sun, hour: 4, minute: 30)
        let reboot = Schedule(name: "r", command: .reboot, when: when)
        var tenant = Tenant(code: "century", timeZone: "Asia/Tokyo")
        #expect(NotCarriedOut.kinds(in: TenantSnapshot(tenant: tenant, schedules: [reboot])).isEmpty)
        let others = [
            Schedule(name: "f", command: .firmwareUpdate, firmware: "fw", when: when),
            Schedule(name: "s", command: .fetchSyslog, when: when),
            Schedule(name: "s2", command: .fetchSyslog, when: .weekday(.mon, hour: 1, minute: 0)),
        ]
        #expect(
            NotCarriedOut.kinds(in: TenantSnapshot(tenant: tenant, schedules: [reboot] + others)) == [
                "schedule commands (3 schedule(s): fetch-syslog: issue 13, firmware-update: issue 11; "
                    + "aborted with an event at fire time)"
            ])
        tenant.schedules.respectMaintenanceWindows = true
        #expect(
            NotCarriedOut.kinds(in: TenantSnapshot(tenant: tenant, schedules: [reboot])) == [
                "maintenance windows for schedules (none can be declared yet; issue 11)"
            ])
    }
}
