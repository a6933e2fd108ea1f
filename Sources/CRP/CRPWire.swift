/// Constants of the CRP v1 wire format (docs/crp.md).
public enum CRPWire {
    /// `C R P N` — every CRP datagram starts with these four bytes.
    public static let magic: [UInt8] = [0x43, 0x52, 0x50, 0x4E]
    /// The protocol version this codec speaks.
    public static let version: UInt8 = 1
    /// Message type: announce (device → CMS). The only type of version 1.
    public static let typeAnnounce: UInt8 = 1
    /// magic(4) version(1) type(1) flags(1) reserved(1) length(2).
    public static let headerSize = 10
    /// HMAC-SHA256 trailer size.
    public static let signatureSize = 32
    /// No CRP datagram may be longer (fits any path MTU ≥ 1280 with IPv6 + UDP headers).
    public static let maxMessageSize = 1200
    /// Highest keepalive a device may announce, in seconds.
    public static let maxKeepalive: UInt32 = 86_400
    /// The CMS listens here by default; NXRs send from this source port by default.
    public static let defaultPort: UInt16 = 10625
    /// TLV types with this bit set must be understood; unknown ones make the message invalid.
    public static let criticalBit: UInt8 = 0x80

    /// Header flag bits.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// A 32-byte HMAC-SHA256 trailer follows the TLVs.
        public static let signed = Flags(rawValue: 0x01)
        /// A serial TLV is present.
        public static let hasSerial = Flags(rawValue: 0x02)
        /// A cpe-id TLV is present.
        public static let hasCPEID = Flags(rawValue: 0x04)
        /// Every bit version 1 defines; the others must be zero.
        public static let known: Flags = [.signed, .hasSerial, .hasCPEID]
    }
}
