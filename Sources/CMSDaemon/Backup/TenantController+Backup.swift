extension TenantController {
    /// What a backup records about the tenant now: the revision in force and its device and group counts.
    func backupFacts() -> (revision: String?, devices: Int, groups: Int) {
        let snapshot = inForce?.snapshot
        return (inForce?.commit, max(snapshot?.devices.count ?? 0, records.count), snapshot?.groups.count ?? 0)
    }
}
