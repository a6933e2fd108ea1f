import CRP
import Crypto
import Testing

@Suite("CRP codec")
struct CRPCodecTests {
    static let roundTripCases: [(String, Announcement)] = [
        ("ipv4 with cpe-id", Examples.signedIPv4),
        ("ipv6 serial only", Examples.unsignedIPv6Serial),
        (
            "both cpe-id and serial",
            Announcement(
                customerID: "tenant-a_1", cpeID: "dev_9", serial: "99999999999", product: "NXR-350",
                advertise: .init(address: IPAddress("fe80::1:2")!, port: 65535),
                keepalive: 86_400, bootID: .max, sequence: .max)
        ),
        (
            "loopback, smallest values",
            Announcement(
                customerID: "a", cpeID: "b", product: "X",
                advertise: .init(address: .v4(127, 0, 0, 1), port: 1), keepalive: 0, bootID: 0, sequence: 0)
        ),
        (
            "longest identifiers",
            Announcement(
                customerID: String(repeating: "z", count: 16), cpeID: "q" + String(repeating: "9", count: 15),
                product: String(repeating: "P", count: 32),
                advertise: .init(address: .v4(10, 1, 2, 3), port: 22), bootID: 3, sequence: 1 << 40)
        ),
    ]

    @Test(
        "an announcement survives encode and decode unchanged, signed and unsigned",
        arguments: roundTripCases.map(\.1), [false, true])
    func roundTrip(announcement: Announcement, signed: Bool) throws {
        let secret = signed ? Examples.secret : nil
        let bytes = try CRPCodec.encode(announcement, secret: secret)
        #expect(bytes.count <= CRPWire.maxMessageSize)
        let decoded = try CRPCodec.decode(bytes, secretFor: { $0 == announcement.customerID ? secret : nil })
        #expect(decoded.announcement == announcement)
        #expect(decoded.authenticated == signed)
        #expect(decoded.skippedTLVTypes.isEmpty)
    }

    @Test("a signed announcement to a tenant without secret decodes as unauthenticated")
    func signedWithoutTenantSecret() throws {
        let bytes = try CRPCodec.encode(Examples.signedIPv4, secret: Examples.secret)
        let decoded = try CRPCodec.decode(bytes, secretFor: { _ in nil })
        #expect(decoded.announcement == Examples.signedIPv4)
        #expect(decoded.authenticated == false)
    }

    @Test("the secret is looked up by the announced customer-id")
    func secretLookupUsesCustomerID() throws {
        let bytes = try CRPCodec.encode(Examples.signedIPv4, secret: Examples.secret)
        var asked: [String] = []
        _ = try CRPCodec.decode(
            bytes,
            secretFor: {
                asked.append($0); return Examples.secret
            })
        #expect(asked == ["century"])
    }

    @Test("the encoder refuses fields that break the rules")
    func encoderValidates() {
        var a = Examples.signedIPv4
        a.customerID = "Century"
        #expect(throws: CRPError.invalidCustomerID) { try CRPCodec.encode(a, secret: nil) }
        a = Examples.signedIPv4
        a.cpeID = nil
        #expect(throws: CRPError.missingIdentity) { try CRPCodec.encode(a, secret: nil) }
        a = Examples.signedIPv4
        a.serial = "1234567890"
        #expect(throws: CRPError.invalidSerial) { try CRPCodec.encode(a, secret: nil) }
        a = Examples.signedIPv4
        a.product = String(repeating: "N", count: 33)
        #expect(throws: CRPError.invalidProduct) { try CRPCodec.encode(a, secret: nil) }
        a = Examples.signedIPv4
        a.advertise.port = 0
        #expect(throws: CRPError.invalidPort) { try CRPCodec.encode(a, secret: nil) }
        a = Examples.signedIPv4
        a.advertise.address = .v4(0, 0, 0, 0)
        #expect(throws: CRPError.invalidAddress) { try CRPCodec.encode(a, secret: nil) }
        a = Examples.signedIPv4
        a.keepalive = 86_401
        #expect(throws: CRPError.invalidKeepalive(86_401)) { try CRPCodec.encode(a, secret: nil) }
    }

    @Test("unknown non-critical TLVs are skipped, in any position")
    func unknownTLVsSkipped() throws {
        var raw = RawMessage()
        raw.tlvs.insert((0x7F, [1, 2, 3]), at: 0)
        raw.tlvs.append((0x20, []))
        raw.tlvs.append((0x20, [9]))
        let decoded = try CRPCodec.decode(raw.bytes, secretFor: { _ in nil })
        #expect(decoded.skippedTLVTypes == [0x7F, 0x20, 0x20])
        #expect(decoded.announcement == Examples.signedIPv4)
    }

    @Test("TLVs may come in any order")
    func anyOrder() throws {
        var raw = RawMessage()
        raw.tlvs.reverse()
        #expect(try CRPCodec.decode(raw.bytes, secretFor: { _ in nil }).announcement == Examples.signedIPv4)
    }

    static let signedRaw: RawMessage = {
        var raw = RawMessage()
        raw.flags |= CRPWire.Flags.signed.rawValue
        raw.trailer = [UInt8](repeating: 0, count: 32)
        var bytes = raw.bytes
        let mac = HMAC<SHA256>.authenticationCode(for: bytes.dropLast(32), using: SymmetricKey(data: Examples.secret))
        raw.trailer = Array(mac)
        bytes = raw.bytes
        return raw
    }()

    struct Malformed: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var tenantHasSecret = false
        var error: CRPError
        var testDescription: String { name }
    }

    static let malformed: [Malformed] = {
        var cases: [Malformed] = []
        func add(_ name: String, _ raw: RawMessage, secret: Bool = false, _ error: CRPError) {
            cases.append(Malformed(name: name, bytes: raw.bytes, tenantHasSecret: secret, error: error))
        }
        let valid = RawMessage()
        cases.append(
            Malformed(
                name: "oversize", bytes: [UInt8](repeating: 0x43, count: 1201),
                error: .oversize(size: 1201)))
        cases.append(Malformed(name: "empty", bytes: [], error: .truncated(size: 0)))
        cases.append(
            Malformed(
                name: "shorter than header", bytes: Array(valid.bytes.prefix(9)),
                error: .truncated(size: 9)))
        var r = valid; r.magic = Array("CRPX".utf8); add("bad magic", r, .badMagic)
        r = valid; r.version = 2; add("version 2", r, .unsupportedVersion(2))
        r = valid; r.version = 0; add("version 0", r, .unsupportedVersion(0))
        r = valid; r.type = 2; add("message type 2", r, .unsupportedType(2))
        r = valid; r.flags |= 0x08; add("unknown flag bit", r, .reservedBits)
        r = valid; r.reserved = 1; add("non-zero reserved byte", r, .reservedBits)
        r = valid; r.lengthOverride = valid.bytes.count + 1
        add("length field too big", r, .lengthMismatch(declared: valid.bytes.count + 1, actual: valid.bytes.count))
        r = valid; r.lengthOverride = 10
        add("length field too small", r, .lengthMismatch(declared: 10, actual: valid.bytes.count))
        r = RawMessage(flags: CRPWire.Flags.signed.rawValue, tlvs: [], trailer: [1, 2, 3])
        add("signed but shorter than trailer", r, .truncated(size: 13))
        r = valid; r.tlvs.append((0x30, [])); r.lengthOverride = valid.bytes.count + 1
        cases.append(
            Malformed(
                name: "TLV header cut", bytes: Array(r.bytes.dropLast()),
                error: .truncatedTLV(offset: valid.bytes.count)))
        r = valid; r.tlvs.append((0x30, [1, 2, 3]))
        var cut = r.bytes
        cut.removeLast()
        cut[9] = UInt8(cut.count)
        cases.append(Malformed(name: "TLV value cut", bytes: cut, error: .truncatedTLV(offset: valid.bytes.count)))
        r = valid; r.tlvs.append((0x02, Array("nxr02".utf8))); add("duplicate cpe-id", r, .duplicateTLV(type: 2))
        r = valid; r.tlvs.append((0x08, [0, 0, 0, 0, 0, 0, 0, 43]));
        add("duplicate sequence", r, .duplicateTLV(type: 8))
        r = valid; r.tlvs.append((0x81, [1])); add("unknown critical TLV", r, .unknownCriticalTLV(type: 0x81))
        add("missing customer-id", valid.replacing(0x01, with: nil), .missingField(.customerID))
        add("empty customer-id", valid.replacing(0x01, with: []), .invalidCustomerID)
        add("upper-case customer-id", valid.replacing(0x01, with: Array("Century".utf8)), .invalidCustomerID)
        add(
            "customer-id starting with a digit", valid.replacing(0x01, with: Array("1century".utf8)),
            .invalidCustomerID)
        add("17-char customer-id", valid.replacing(0x01, with: Array(repeating: 0x61, count: 17)), .invalidCustomerID)
        add("non-ASCII customer-id", valid.replacing(0x01, with: [0x63, 0xC3, 0xA9]), .invalidCustomerID)
        add("unsigned when the tenant has a secret", valid, secret: true, .signatureRequired)
        var badSig = signedRaw; badSig.trailer[0] ^= 1
        add("bad signature", badSig, secret: true, .badSignature)
        var badSigContent = signedRaw; badSigContent.tlvs[2].1 = Array("NXR-130".utf8)
        add("signed content changed", badSigContent, secret: true, .badSignature)
        add(
            "cpe-id flag without TLV",
            valid.replacing(0x02, with: nil).replacing(0x03, with: Array("12345678901".utf8)),
            .missingField(.cpeID))
        r = valid; r.flags = 0; add("cpe-id TLV without flag", r, .flagMismatch(.cpeID))
        r = valid; r.flags |= CRPWire.Flags.hasSerial.rawValue;
        add("serial flag without TLV", r, .missingField(.serial))
        add("serial TLV without flag", valid.replacing(0x03, with: Array("12345678901".utf8)), .flagMismatch(.serial))
        r = valid.replacing(0x02, with: nil); r.flags = 0; add("no identity at all", r, .missingIdentity)
        add("cpe-id with hyphen", valid.replacing(0x02, with: Array("nxr-01".utf8)), .invalidCPEID)
        add("cpe-id starting with digit", valid.replacing(0x02, with: Array("1nxr".utf8)), .invalidCPEID)
        add("empty cpe-id", valid.replacing(0x02, with: []), .invalidCPEID)
        r = valid.replacing(0x03, with: Array("1234567890".utf8)); r.flags |= 0x02
        add("10-digit serial", r, .invalidSerial)
        r = valid.replacing(0x03, with: Array("1234567890a".utf8)); r.flags |= 0x02
        add("serial with a letter", r, .invalidSerial)
        r = valid.replacing(0x03, with: Array("123456789012".utf8)); r.flags |= 0x02
        add("12-digit serial", r, .invalidSerial)
        add("missing product", valid.replacing(0x04, with: nil), .missingField(.product))
        add("empty product", valid.replacing(0x04, with: []), .invalidProduct)
        add("product with space", valid.replacing(0x04, with: Array("NXR 120".utf8)), .invalidProduct)
        add("missing advertise", valid.replacing(0x05, with: nil), .missingField(.advertise))
        add("empty advertise", valid.replacing(0x05, with: []), .badFieldLength(.advertise, length: 0))
        add("family 5", valid.replacing(0x05, with: [5, 0, 22, 1, 2, 3, 4]), .invalidFamily(5))
        add(
            "ipv4 with 16 address bytes", valid.replacing(0x05, with: [4, 0, 22] + Array(repeating: 1, count: 16)),
            .badFieldLength(.advertise, length: 19))
        add(
            "ipv6 with 4 address bytes", valid.replacing(0x05, with: [6, 0, 22, 1, 2, 3, 4]),
            .badFieldLength(.advertise, length: 7))
        add("port 0", valid.replacing(0x05, with: [4, 0, 0, 192, 0, 2, 10]), .invalidPort)
        add("unspecified ipv4", valid.replacing(0x05, with: [4, 0, 22, 0, 0, 0, 0]), .invalidAddress)
        add("multicast ipv4", valid.replacing(0x05, with: [4, 0, 22, 224, 0, 0, 1]), .invalidAddress)
        add("broadcast ipv4", valid.replacing(0x05, with: [4, 0, 22, 255, 255, 255, 255]), .invalidAddress)
        add(
            "unspecified ipv6", valid.replacing(0x05, with: [6, 0, 22] + Array(repeating: 0, count: 16)),
            .invalidAddress)
        add(
            "multicast ipv6", valid.replacing(0x05, with: [6, 0, 22, 0xFF, 2] + Array(repeating: 0, count: 13) + [1]),
            .invalidAddress)
        add("missing keepalive", valid.replacing(0x06, with: nil), .missingField(.keepalive))
        add("2-byte keepalive", valid.replacing(0x06, with: [0x0E, 0x10]), .badFieldLength(.keepalive, length: 2))
        add("keepalive above a day", valid.replacing(0x06, with: [0, 1, 0x51, 0x81]), .invalidKeepalive(86_401))
        add("missing boot id", valid.replacing(0x07, with: nil), .missingField(.bootID))
        add(
            "8-byte boot id", valid.replacing(0x07, with: Array(repeating: 0, count: 8)),
            .badFieldLength(.bootID, length: 8))
        add("missing sequence", valid.replacing(0x08, with: nil), .missingField(.sequence))
        add("4-byte sequence", valid.replacing(0x08, with: [0, 0, 0, 1]), .badFieldLength(.sequence, length: 4))
        return cases
    }()

    @Test("every malformed input is refused with its exact error", arguments: malformed)
    func malformedInput(_ c: Malformed) {
        let secret: [UInt8]? = c.tenantHasSecret ? Examples.secret : nil
        #expect(throws: c.error) { try CRPCodec.decode(c.bytes, secretFor: { _ in secret }) }
    }

    @Test("the malformed table covers every codec drop reason")
    func tableCoversEveryReason() {
        let covered = Set(Self.malformed.map(\.error.reason))
        let listenerOnly: Set<CRPDropReason> = [.rateLimited, .replayed, .queueFull]
        #expect(covered == Set(CRPDropReason.allCases).subtracting(listenerOnly))
    }

    @Test("drop reason codes are unique")
    func reasonCodesUnique() {
        #expect(Set(CRPDropReason.allCases.map(\.rawValue)).count == CRPDropReason.allCases.count)
    }

    @Test("the raw valid message used by the table decodes")
    func rawBaselineIsValid() throws {
        #expect(try CRPCodec.decode(RawMessage().bytes, secretFor: { _ in nil }).announcement == Examples.signedIPv4)
        let signed = try CRPCodec.decode(Self.signedRaw.bytes, secretFor: { _ in Examples.secret })
        #expect(signed.authenticated)
        #expect(Self.signedRaw.bytes == (try CRPCodec.encode(Examples.signedIPv4, secret: Examples.secret)))
    }
}
