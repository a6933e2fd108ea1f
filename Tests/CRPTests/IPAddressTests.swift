import CRP
import Testing

@Suite("IPAddress")
struct IPAddressTests {
    @Test(
        "valid text parses and prints canonically",
        arguments: [
            ("192.0.2.1", "192.0.2.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
            ("::", "::"), ("::1", "::1"), ("2001:DB8::1", "2001:db8::1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"),
            ("fe80::1:2", "fe80::1:2"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("::ffff:192.0.2.1", "::ffff:c000:201"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"), ("1::", "1::"),
        ])
    func parsesAndFormats(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
    }

    @Test(
        "invalid text is refused",
        arguments: [
            "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", " 1.2.3.4", "1:2:3:4:5:6:7:8:9",
            "1::2::3", ":::", "12345::", "g::1", "fe80::1%eth0", "[::1]", "1:2:3:4:5:6:7", "::1.2.3", "localhost",
        ])
    func refusesInvalid(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("classification of special addresses")
    func classification() throws {
        #expect(IPAddress.v4(0, 0, 0, 0).isUnspecified)
        #expect(try #require(IPAddress("::")).isUnspecified)
        #expect(IPAddress.v4(239, 1, 1, 1).isMulticast)
        #expect(!IPAddress.v4(240, 1, 1, 1).isMulticast)
        #expect(try #require(IPAddress("ff02::1")).isMulticast)
        #expect(IPAddress.v4(255, 255, 255, 255).isLimitedBroadcast)
        #expect(IPAddress.v4(127, 3, 2, 1).isLoopback)
        #expect(try #require(IPAddress("::1")).isLoopback)
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }
}
