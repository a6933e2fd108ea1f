import CRP
import Testing

@Suite("ReplayGuard")
struct ReplayGuardTests {
    func announcement(_ device: String = "nxr01", boot: UInt32, seq: UInt64) -> Announcement {
        var a = Examples.signedIPv4
        a.cpeID = device
        a.bootID = boot
        a.sequence = seq
        return a
    }

    @Test("only strictly newer (boot id, sequence) pairs are admitted")
    func ordering() {
        var guardian = ReplayGuard()
        let r1 = guardian.admit(announcement(boot: 5, seq: 10)); #expect(r1 == .fresh)
        let r2 = guardian.admit(announcement(boot: 5, seq: 10));
        #expect(r2 == .replayed(lastBootID: 5, lastSequence: 10))
        let r3 = guardian.admit(announcement(boot: 5, seq: 9));
        #expect(r3 == .replayed(lastBootID: 5, lastSequence: 10))
        let r4 = guardian.admit(announcement(boot: 4, seq: 999));
        #expect(r4 == .replayed(lastBootID: 5, lastSequence: 10))
        let r5 = guardian.admit(announcement(boot: 5, seq: 11)); #expect(r5 == .fresh)
        // A reboot resets the sequence: boot 6 seq 0 is newer than boot 5 seq 11.
        let r6 = guardian.admit(announcement(boot: 6, seq: 0)); #expect(r6 == .fresh)
        let r7 = guardian.admit(announcement(boot: 5, seq: 12));
        #expect(r7 == .replayed(lastBootID: 6, lastSequence: 0))
    }

    @Test("devices and tenants are tracked separately")
    func perDevice() {
        var guardian = ReplayGuard()
        let r8 = guardian.admit(announcement("a", boot: 9, seq: 9)); #expect(r8 == .fresh)
        let r9 = guardian.admit(announcement("b", boot: 1, seq: 1)); #expect(r9 == .fresh)
        var otherTenant = announcement("a", boot: 1, seq: 1)
        otherTenant.customerID = "other"
        let r10 = guardian.admit(otherTenant); #expect(r10 == .fresh)
        #expect(guardian.count == 3)
    }

    @Test("verdict does not remember; forget lets a factory-reset device back in")
    func verdictAndForget() {
        var guardian = ReplayGuard()
        #expect(guardian.verdict(for: announcement(boot: 3, seq: 3)) == .fresh)
        #expect(guardian.count == 0)
        _ = guardian.admit(announcement(boot: 3, seq: 3))
        let r11 = guardian.admit(announcement(boot: 1, seq: 0)); #expect(r11 != .fresh)
        guardian.forget(announcement(boot: 1, seq: 0).deviceKey)
        let r12 = guardian.admit(announcement(boot: 1, seq: 0)); #expect(r12 == .fresh)
    }

    @Test("a serial-only device is keyed by its serial")
    func serialKey() {
        #expect(Examples.unsignedIPv6Serial.deviceKey == .init(customerID: "century", device: "01234567890"))
    }
}
