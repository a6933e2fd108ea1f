import CRP
import TestSupport

typealias SeededGenerator = SeededRandom

enum Examples {
    static let secret = Array("example-crp-secret-do-not-use".utf8)

    /// docs/crp.md example 1: signed, IPv4, cpe-id.
    static let signedIPv4 = Announcement(
        customerID: "century", cpeID: "nxr01", product: "NXR-120",
        advertise: .init(address: .v4(192, 0, 2, 10), port: 22),
        keepalive: 3600, bootID: 7, sequence: 42)

    /// docs/crp.md example 2: unsigned, IPv6, serial only.
    static let unsignedIPv6Serial = Announcement(
        customerID: "century", serial: "01234567890", product: "NXR-1200",
        advertise: .init(address: IPAddress("2001:db8::10")!, port: 830),
        keepalive: 0, bootID: 1, sequence: 0)
}

/// `xxd`-like dump used in docs/crp.md: offset, 16 bytes in two groups of 8, ASCII column.
func hexDump(_ bytes: [UInt8]) -> String {
    var lines: [String] = []
    for start in stride(from: 0, to: bytes.count, by: 16) {
        let row = Array(bytes[start..<min(start + 16, bytes.count)])
        var hex = ""
        for i in 0..<16 {
            if i == 8 { hex += " " }
            hex += i < row.count ? hex2(row[i]) + " " : "   "
        }
        let ascii = String(row.map { $0 >= 0x20 && $0 < 0x7F ? Character(UnicodeScalar($0)) : "." })
        let offset = String(start, radix: 16)
        lines.append(String(repeating: "0", count: 4 - offset.count) + offset + "  " + hex + " |" + ascii + "|")
    }
    return lines.joined(separator: "\n")
}

func hex2(_ b: UInt8) -> String {
    let s = String(b, radix: 16)
    return s.count == 1 ? "0" + s : s
}

/// Builds raw CRP bytes field by field, to express malformed inputs precisely.
struct RawMessage {
    var magic: [UInt8] = CRPWire.magic
    var version: UInt8 = CRPWire.version
    var type: UInt8 = CRPWire.typeAnnounce
    var flags: UInt8 = CRPWire.Flags.hasCPEID.rawValue
    var reserved: UInt8 = 0
    var lengthOverride: Int?
    var tlvs: [(UInt8, [UInt8])] = RawMessage.validTLVs
    var trailer: [UInt8] = []

    static let validTLVs: [(UInt8, [UInt8])] = [
        (0x01, Array("century".utf8)),
        (0x02, Array("nxr01".utf8)),
        (0x04, Array("NXR-120".utf8)),
        (0x05, [4, 0, 22, 192, 0, 2, 10]),
        (0x06, [0, 0, 0x0E, 0x10]),
        (0x07, [0, 0, 0, 7]),
        (0x08, [0, 0, 0, 0, 0, 0, 0, 42]),
    ]

    func replacing(_ type: UInt8, with value: [UInt8]?) -> RawMessage {
        var copy = self
        if let value {
            if let i = copy.tlvs.firstIndex(where: { $0.0 == type }) {
                copy.tlvs[i].1 = value
            } else {
                copy.tlvs.append((type, value))
            }
        } else {
            copy.tlvs.removeAll { $0.0 == type }
        }
        return copy
    }

    var bytes: [UInt8] {
        var body: [UInt8] = []
        for (t, v) in tlvs { body += [t, UInt8(truncatingIfNeeded: v.count)] + v }
        let total = lengthOverride ?? (CRPWire.headerSize + body.count + trailer.count)
        return magic + [
            version, type, flags, reserved, UInt8(truncatingIfNeeded: total >> 8),
            UInt8(truncatingIfNeeded: total),
        ] + body + trailer
    }
}
