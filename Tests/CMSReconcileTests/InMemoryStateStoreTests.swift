import CMSModel
import CMSReconcile
import Testing

@Suite("In-memory state store")
struct InMemoryStateStoreTests {
    @Test("keeps devices per tenant, tenants and open applies")
    func roundTrip() async throws {
        let store = InMemoryStateStore()
        let t0 = Timestamp.seconds(1_800_000_000)
        var device = DeviceRecord(tenant: "acme", code: "nxr02", hostKey: "SHA256:k", sync: DeviceSyncState(at: t0))
        try await store.save(device)
        try await store.save(DeviceRecord(tenant: "acme", code: "nxr01", sync: DeviceSyncState(at: t0)))
        try await store.save(DeviceRecord(tenant: "other", code: "nxr01", sync: DeviceSyncState(at: t0)))
        device.serial = "123"
        try await store.save(device)
        #expect(try await store.devices(tenant: "acme").map(\.code) == ["nxr01", "nxr02"])
        #expect(try await store.devices(tenant: "acme").last == device)
        try await store.deleteDevice(tenant: "acme", code: "nxr01")
        #expect(try await store.devices(tenant: "acme").map(\.code) == ["nxr02"])
        #expect(try await store.devices(tenant: "other").count == 1)

        #expect(try await store.tenant("acme") == nil)
        try await store.save(TenantRecord(code: "acme", lastAppliedRevision: "r1"))
        #expect(try await store.tenant("acme")?.lastAppliedRevision == "r1")

        let first = try await store.beginApply(
            ApplyIntent(tenant: "acme", device: "nxr02", revision: "r2", started: t0))
        let second = try await store.beginApply(
            ApplyIntent(tenant: "acme", device: "nxr03", revision: "r2", started: t0))
        #expect(first != second)
        try await store.endApply(first)
        let open = try await store.openApplies()
        #expect(open.map(\.id) == [second])
        #expect(open.first?.device == "nxr03")
    }
}
