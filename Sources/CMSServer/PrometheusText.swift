import CMSAPI

/// Renders a ``MetricsSnapshot`` in the Prometheus text exposition format (version 0.0.4):
/// `# HELP` and `# TYPE` lines per family, label values escaped (`\\`, `\"`, `\n`), series sorted,
/// the reconcile duration histogram as `_bucket{le=…}` (cumulative, ending in `+Inf`), `_sum`, `_count`.
///
/// `tenants` limits the per-tenant series to what a token may see; daemon-wide families (duration
/// histogram, CRP announcements, open sessions) are only included when `includeGlobal` is true.
public enum PrometheusText {
    /// The content type of the exposition format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The exposition text for a snapshot.
    public static func render(
        _ snapshot: MetricsSnapshot, allowsTenant: (String) -> Bool = { _ in true }, includeGlobal: Bool = true
    ) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(escapeHelp(help))\n# TYPE \(name) \(type)\n"
        }
        func sample(_ name: String, _ labels: [(String, String)], _ value: String) {
            if labels.isEmpty {
                out += "\(name) \(value)\n"
            } else {
                let text = labels.map { "\($0.0)=\"\(escapeLabel($0.1))\"" }.joined(separator: ",")
                out += "\(name){\(text)} \(value)\n"
            }
        }
        func perTenant(
            _ name: String, _ type: String, _ help: String, _ label: String, _ values: [String: [String: Int]]
        ) {
            family(name, type, help)
            for (tenant, series) in values.sorted(by: { $0.key < $1.key }) where allowsTenant(tenant) {
                for (key, value) in series.sorted(by: { $0.key < $1.key }) {
                    sample(name, [("tenant", tenant), (label, key)], String(value))
                }
            }
        }

        perTenant("cms_devices", "gauge", "Devices per tenant and device state.", "state", snapshot.devicesByState)
        perTenant(
            "cms_devices_sync", "gauge", "Devices per tenant and sync status (ready, reconciling, stalled).", "status",
            snapshot.devicesBySync)
        perTenant(
            "cms_reconciles_total", "counter", "Finished device reconcile runs per tenant and outcome.", "outcome",
            snapshot.reconciles)
        perTenant(
            "cms_reconcile_errors_total", "counter", "Failed reconcile runs per tenant and error class.", "class",
            snapshot.reconcileErrors)

        perTenant(
            "cms_firmware_rollout_devices", "gauge", "Devices of unfinished firmware rollouts per tenant and state.",
            "state", snapshot.firmwareRolloutDevices)
        perTenant(
            "cms_firmware_rollouts", "gauge", "Firmware rollouts per tenant and phase.", "phase", snapshot.firmwareRollouts)
        family("cms_git_fetch_errors_total", "counter", "Failed fetches of a tenant's git repository.")
        for (tenant, value) in snapshot.fetchErrors.sorted(by: { $0.key < $1.key }) where allowsTenant(tenant) {
            sample("cms_git_fetch_errors_total", [("tenant", tenant)], String(value))
        }

        guard includeGlobal else { return out }

        family("cms_firmware_downloads_active", "gauge", "Firmware images being downloaded from cmsd now.")
        sample("cms_firmware_downloads_active", [], String(snapshot.firmwareDownloadsActive))
        family("cms_firmware_download_bytes_total", "counter", "Bytes of firmware images sent to devices.")
        sample("cms_firmware_download_bytes_total", [], String(snapshot.firmwareDownloadBytes))

        let histogram = "cms_reconcile_duration_seconds"
        family(histogram, "histogram", "Duration of device reconcile runs in seconds.")
        var previous = 0
        for (index, bound) in snapshot.durationBuckets.enumerated() where bound.isFinite {
            // Cumulative and never above the total, whatever the snapshot holds.
            let count = min(
                max(
                    index < snapshot.durationCounts.count ? snapshot.durationCounts[index] : previous,
                    previous), snapshot.durationCount)
            previous = count
            sample("\(histogram)_bucket", [("le", number(bound))], String(count))
        }
        sample("\(histogram)_bucket", [("le", "+Inf")], String(snapshot.durationCount))
        sample("\(histogram)_sum", [], number(snapshot.durationSum))
        sample("\(histogram)_count", [], String(snapshot.durationCount))

        family("cms_crp_announcements_total", "counter", "CRP announcements received, by result.")
        for (result, value) in snapshot.announcements.sorted(by: { $0.key < $1.key }) {
            sample("cms_crp_announcements_total", [("result", result)], String(value))
        }
        family("cms_crp_dropped_total", "counter", "CRP datagrams dropped by the listener, by reason (docs/crp.md).")
        for (reason, value) in snapshot.crpDropped.sorted(by: { $0.key < $1.key }) {
            sample("cms_crp_dropped_total", [("reason", reason)], String(value))
        }
        family("cms_sessions_open", "gauge", "Open NETCONF sessions.")
        sample("cms_sessions_open", [], String(snapshot.sessionsOpen))
        return out
    }

    /// A label value with backslash, double quote and line feed escaped.
    public static func escapeLabel(_ value: String) -> String {
        var out = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// HELP text with backslash and line feed escaped.
    static func escapeHelp(_ value: String) -> String {
        var out = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A float as Prometheus writes it (`+Inf`, `-Inf`, `NaN`, otherwise Swift's shortest form).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        return "\(value)"
    }
}
