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

    /// Mail alerts (issue 14), config files and auto-config (issue 12) are carried out: none is named.
    @Test func configFilesAutoConfigAndMailAreCarriedOut() {
        let device = Device(
            code: "nxr01", product: .nxr120,
            configs: [
                ConfigFileRef(file: "boot.tgz", type: .tgz, autoConfig: true, autoConfigSave: true),
                ConfigFileRef(file: "old.config", type: .showConfig),
            ])
        #expect(NotCarriedOut.kinds(in: TenantSnapshot(tenant: Self.tenant, devices: [device], mail: Mail())).isEmpty)
    }

    @Test func firmwareIsCarriedOutSinceIssue11() {
        let device = Device(code: "nxr01", product: .nxr230, firmware: FirmwareTarget(image: "v6"))
        let image = FirmwareImage(
            name: "v6", product: .nxr230, version: "6.0", source: .store, sha256: String(repeating: "a", count: 64))
        let snapshot = TenantSnapshot(tenant: Self.tenant, devices: [device], firmware: [image])
        #expect(NotCarriedOut.kinds(in: snapshot).isEmpty)
    }
}

@Suite("Schedules: every command is carried out")
struct NotCarriedOutScheduleTests {
    @Test func everyScheduleCommandIsCarriedOutAndNoneIsNamed() {
        let when = ScheduleTime.weekday(.sun, hour: 4, minute: 30)
        var tenant = Tenant(code: "century", timeZone: "Asia/Tokyo")
        let schedules = Schedule.Command.allCases.enumerated().map { index, command in
            Schedule(
                name: "s\(index)", command: command, firmware: command.usesFirmware ? "fw" : nil,
                when: .weekday(.mon, hour: index, minute: 0))
        }
        #expect(ScheduleCommands.carriedOut == Set(Schedule.Command.allCases))
        #expect(Schedule.Command.allCases.allSatisfy { ScheduleCommands.notCarriedOutReason($0) == nil })
        #expect(NotCarriedOut.kinds(in: TenantSnapshot(tenant: tenant, schedules: schedules)).isEmpty)
        // Maintenance windows exist (tenant.yaml `windows:`): respecting them is carried out.
        tenant.schedules.respectMaintenanceWindows = true
        #expect(NotCarriedOut.kinds(in: TenantSnapshot(tenant: tenant, schedules: [schedules[0]])).isEmpty)
        _ = when
    }
}
