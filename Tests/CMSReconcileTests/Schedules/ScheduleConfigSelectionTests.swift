import CMSModel
import CMSReconcile
import Testing

/// Which device's file flagged `schedule` changed between two revisions (`schedule-config.selected` / `.deselected`).
@Suite("Schedule-config selection")
struct ScheduleConfigSelectionTests {
    @Test func theMapHoldsEachDevicesFileFlaggedSchedule() {
        let snapshot = TenantSnapshot(
            tenant: Tenant(code: "century", timeZone: "Asia/Tokyo"),
            devices: [
                Device(
                    code: "nxr01", product: .nxr120,
                    configs: [
                        ConfigFileRef(file: "base.xml", type: .xml, enforce: true),
                        ConfigFileRef(file: "sched.xml", type: .xml, schedule: true),
                    ]),
                Device(code: "nxr02", product: .nxr120, configs: [ConfigFileRef(file: "a.tgz", type: .tgz)]),
            ])
        #expect(ScheduleConfigSelection.map(of: snapshot) == ["nxr01": "sched.xml"])
    }

    @Test(arguments: [
        // nothing known yet: every flagged file is new
        (nil, ["a": "x.xml"], [ScheduleConfigSelection.Change.selected(device: "a", file: "x.xml")]),
        (["a": "x.xml"], ["a": "x.xml"], []),
        (["a": "x.xml"], ["a": "y.config"], [.selected(device: "a", file: "y.config")]),
        (["a": "x.xml"], [:], [.deselected(device: "a", file: "x.xml")]),
        (
            ["b": "1.xml", "c": "2.xml"], ["a": "0.xml", "c": "2.xml"],
            [.selected(device: "a", file: "0.xml"), .deselected(device: "b", file: "1.xml")]
        ),
        ([:], [:], []),
    ] as [([String: String]?, [String: String], [ScheduleConfigSelection.Change])])
    func changesBetweenTwoRevisionsInDeviceOrder(
        previous: [String: String]?, next: [String: String], expected: [ScheduleConfigSelection.Change]
    ) {
        #expect(ScheduleConfigSelection.changes(from: previous, to: next) == expected)
    }
}
