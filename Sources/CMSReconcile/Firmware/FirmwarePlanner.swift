import CMSModel

/// Which image each device should run, and what to do with a device about to be updated (SPEC §5). Pure.
public enum FirmwarePlanner {
    /// One device's desired firmware: its own `firmware:`, else the first group (in name order) that has one.
    public struct Desired: Sendable, Equatable, Hashable {
        public var device: String
        public var product: Product
        public var image: FirmwareImage
        public var mode: FirmwareTarget.Mode
        /// The group whose `rollout:` applies to the device (nil: the tenant's alone).
        public var policyGroup: String? = nil
    }

    /// The group whose `rollout:` applies to each device (lint allows at most one per device; should two remain,
    /// the first by name wins).
    public static func policyGroups(_ snapshot: TenantSnapshot) -> [String: Group] {
        var result: [String: Group] = [:]
        for group in snapshot.groups.sorted(by: { $0.name < $1.name }) where group.rollout != nil {
            for member in group.members where result[member.device] == nil { result[member.device] = group }
        }
        return result
    }

    /// The rollout settings of the devices of `group` (nil: the tenant's).
    public static func rollout(_ snapshot: TenantSnapshot, group: String?) -> Tenant.Rollout {
        let base = snapshot.tenant.rollout
        guard let group, let override = snapshot.groups.first(where: { $0.name == group })?.rollout else { return base }
        return override.applied(to: base)
    }

    /// Every managed, not suspended device with a desired image, in device-code order.
    public static func desired(_ snapshot: TenantSnapshot) -> [Desired] {
        let images = Dictionary(snapshot.firmware.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var byGroup: [String: FirmwareTarget] = [:]
        for group in snapshot.groups.sorted(by: { $0.name < $1.name }) {
            guard let target = group.firmware else { continue }
            for member in group.members where byGroup[member.device] == nil { byGroup[member.device] = target }
        }
        let policies = policyGroups(snapshot)
        var result: [Desired] = []
        for device in snapshot.devices.sorted(by: { $0.code < $1.code }) where !device.suspended {
            guard let target = device.firmware ?? byGroup[device.code], let image = images[target.image] else {
                continue
            }
            result.append(
                Desired(
                    device: device.code, product: device.product, image: image, mode: target.mode,
                    policyGroup: policies[device.code]?.name))
        }
        return result
    }

    /// What to do with one device right before (or when planning) its update.
    public enum Check: Sendable, Equatable, Hashable {
        case update
        /// Already on the version (event `firmware.transfer.skipped`).
        case sameVersion(String)
        /// The image is for another product: not updated.
        case productMismatch(String)
        /// The device reported no version: fails (SPEC §5 "version unknown").
        case versionUnknown
    }

    public static func check(image: FirmwareImage, product: String, reportedVersion: String?) -> Check {
        if product != image.product.rawValue {
            return .productMismatch("the image is for \(image.product.rawValue), the device is \(product)")
        }
        guard let reported = reportedVersion, !reported.isEmpty else { return .versionUnknown }
        if !image.version.isEmpty, reported == image.version { return .sameVersion(reported) }
        return .update
    }

    /// Rollout policy from the tenant's `rollout:` for `count` devices.
    public static func policy(_ rollout: Tenant.Rollout, count: Int) -> FirmwareRollout.Policy {
        FirmwareRollout.Policy(
            maxConcurrent: rollout.maxConcurrent, soakSeconds: rollout.soakSeconds, pauseSeconds: rollout.pauseSeconds,
            maxFailures: rollout.maxFailures.resolve(total: count), windows: rollout.windows,
            transferRetries: rollout.transferRetries, rebootDeadlineSeconds: rollout.rebootDeadlineSeconds)
    }
}
