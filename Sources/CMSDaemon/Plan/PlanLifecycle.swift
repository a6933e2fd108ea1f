import CMSModel

/// What a revision changes in the devices' lifecycle, for `cms plan`: devices it suspends (cmsd stops managing
/// them; `suspended: true`) and devices it resumes, against the revision in force. Pure: a table-tested decision.
enum PlanLifecycle {
    static func changes(from current: TenantSnapshot?, to next: TenantSnapshot) -> (
        suspensions: [String], resumptions: [String]
    ) {
        var wasSuspended: [String: Bool] = [:]
        for device in current?.devices ?? [] { wasSuspended[device.code] = device.suspended }
        var suspensions: [String] = []
        var resumptions: [String] = []
        for device in next.devices {
            guard let before = wasSuspended[device.code] else { continue }  // a new device is not a suspension
            if device.suspended && !before { suspensions.append(device.code) }
            if !device.suspended && before { resumptions.append(device.code) }
        }
        return (suspensions.sorted(), resumptions.sorted())
    }
}
