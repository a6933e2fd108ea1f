import CMSModel
import Foundation
import Yams

extension DocumentDecoder {
    static func decodeTenant(_ root: Node, _ reader: DocumentReader) -> Tenant? {
        guard
            let f = Fields(
                root, path: "",
                allowed: header(["code", "name", "timeZone", "drift", "crpSecret", "ike", "rollout", "windows", "schedules"]),
                reader: reader)
        else { return nil }
        let code = f.string("code", required: true)
        if let code, !Formats.isTenantCode(code) {
            reader.report(
                .tenantCodeFormat, at: f.position(of: "code"),
                "tenant code `\(code)` must be 1–16 of [a-z0-9_-] starting with a lowercase letter",
                hint: "it is the CRP customer-id configured on every NXR")
        }
        let name = f.string("name", maxLength: 64) ?? ""
        let zone = f.string("timeZone", required: true)
        if let zone, TimeZone(identifier: zone) == nil || zone.isEmpty {
            reader.report(
                .tenantTimeZone, at: f.position(of: "timeZone"), "`\(zone)` is not a known IANA time zone",
                hint: "e.g. Asia/Tokyo, Europe/Berlin, UTC")
        }
        let drift = f.enumeration("drift", Tenant.DriftPolicy.self) ?? .correct
        let crpSecret = f.secret("crpSecret")
        var ike = IKESettings()
        if let i = f.mapping("ike", allowed: ["encryption", "dhGroup", "hash", "lifetime", "dpd"]) {
            ike.encryption = i.enumeration("encryption", IKESettings.Encryption.self) ?? ike.encryption
            ike.dhGroup = i.int("dhGroup", oneOf: IKESettings.dhGroups) ?? ike.dhGroup
            ike.hash = i.enumeration("hash", IKESettings.Hash.self) ?? ike.hash
            ike.lifetime = i.int("lifetime", range: 1081...86400) ?? ike.lifetime
            if let d = i.mapping("dpd", allowed: ["interval", "retries", "action"]) {
                ike.dpd.interval = d.int("interval", range: 10...3600) ?? ike.dpd.interval
                ike.dpd.retries = d.int("retries", range: 0...30) ?? ike.dpd.retries
                ike.dpd.action = d.enumeration("action", IKESettings.DPD.Action.self) ?? ike.dpd.action
            }
        }
        var rollout = Tenant.Rollout(maxConcurrent: reader.limits.firmwareBatch)
        if let r = f.mapping("rollout", allowed: rolloutKeys) {
            rollout = decodeRollout(r, limits: reader.limits)
        }
        let windows = decodeWindows(f)
        checkRolloutWindows(rollout, windows: windows, reader: reader)
        var schedules = ScheduleSettings()
        if let s = f.mapping("schedules", allowed: ["graceMinutes", "respectMaintenanceWindows"]) {
            schedules.graceMinutes = s.int("graceMinutes", range: 0...1440) ?? schedules.graceMinutes
            schedules.respectMaintenanceWindows =
                s.bool("respectMaintenanceWindows") ?? schedules.respectMaintenanceWindows
        }
        guard let code else { return nil }
        f.record("code")
        return Tenant(
            code: code, name: name, timeZone: zone ?? "UTC", drift: drift, crpSecret: crpSecret, ike: ike,
            rollout: rollout, windows: windows, schedules: schedules)
    }
}
