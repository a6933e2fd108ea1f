/// The fields of a CRP announcement, with their TLV type codes (docs/crp.md §4).
public enum CRPField: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case customerID = 0x01
    case cpeID = 0x02
    case serial = 0x03
    case product = 0x04
    case advertise = 0x05
    case keepalive = 0x06
    case bootID = 0x07
    case sequence = 0x08

    /// The name used in docs/crp.md and in drop logs.
    public var description: String {
        switch self {
        case .customerID: "customer-id"
        case .cpeID: "cpe-id"
        case .serial: "serial"
        case .product: "product"
        case .advertise: "advertise"
        case .keepalive: "keepalive"
        case .bootID: "boot-id"
        case .sequence: "sequence"
        }
    }
}

/// Why a listener dropped a datagram: one stable code per reason, used as counter names
/// (`crp.dropped{reason=…}`) and in logs. Codec errors map onto these via `CRPError.reason`;
/// the last three are decided by the listener, not the codec.
public enum CRPDropReason: String, Sendable, Hashable, CaseIterable {
    case oversize
    case truncated
    case badMagic = "bad-magic"
    case unsupportedVersion = "unsupported-version"
    case unsupportedType = "unsupported-type"
    case reservedBits = "reserved-bits"
    case lengthMismatch = "length-mismatch"
    case truncatedTLV = "truncated-tlv"
    case duplicateTLV = "duplicate-tlv"
    case unknownCriticalTLV = "unknown-critical-tlv"
    case badFieldLength = "bad-field-length"
    case missingField = "missing-field"
    case missingIdentity = "missing-identity"
    case flagMismatch = "flag-mismatch"
    case invalidCustomerID = "invalid-customer-id"
    case invalidCPEID = "invalid-cpe-id"
    case invalidSerial = "invalid-serial"
    case invalidProduct = "invalid-product"
    case invalidFamily = "invalid-family"
    case invalidAddress = "invalid-address"
    case invalidPort = "invalid-port"
    case invalidKeepalive = "invalid-keepalive"
    case signatureRequired = "signature-required"
    case badSignature = "bad-signature"
    /// The source address exceeded its token bucket.
    case rateLimited = "rate-limited"
    /// A signed announcement whose (boot id, sequence) is not newer than the last accepted one.
    case replayed
    /// The consumer of the listener's stream fell behind and its buffer was full.
    case queueFull = "queue-full"
}

/// Why a CRP message could not be encoded or decoded. Each case names one rule of
/// docs/crp.md §5; `reason` is its stable code.
public enum CRPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The datagram is longer than `CRPWire.maxMessageSize`.
    case oversize(size: Int)
    /// Shorter than the header, or than header + signature trailer when signed.
    case truncated(size: Int)
    /// The first four bytes are not `CRPN`.
    case badMagic
    /// A version this codec does not speak.
    case unsupportedVersion(UInt8)
    /// A message type other than announce (1).
    case unsupportedType(UInt8)
    /// Unknown flag bits or a non-zero reserved byte.
    case reservedBits
    /// The header's length field differs from the datagram size.
    case lengthMismatch(declared: Int, actual: Int)
    /// A TLV header or value runs past the end of the TLV area; `offset` is where the TLV starts.
    case truncatedTLV(offset: Int)
    /// A known TLV type appears twice.
    case duplicateTLV(type: UInt8)
    /// An unknown TLV with the critical bit (0x80) set.
    case unknownCriticalTLV(type: UInt8)
    /// A field whose value has the wrong length for its type.
    case badFieldLength(CRPField, length: Int)
    /// A required field is absent (or its presence flag is set without the TLV).
    case missingField(CRPField)
    /// Neither cpe-id nor serial is present.
    case missingIdentity
    /// A cpe-id or serial TLV is present but its flag is not set.
    case flagMismatch(CRPField)
    /// customer-id is not a tenant code: 1–16 of `[a-z0-9_-]`, first a lowercase letter.
    case invalidCustomerID
    /// cpe-id is not a device code: 1–16 of `[a-z0-9_]`, first a lowercase letter.
    case invalidCPEID
    /// serial is not exactly 11 ASCII digits.
    case invalidSerial
    /// product is not 1–32 of `[A-Za-z0-9._-]`.
    case invalidProduct
    /// An address family other than 4 or 6.
    case invalidFamily(UInt8)
    /// An unspecified, multicast or broadcast advertised address.
    case invalidAddress
    /// Advertised port 0.
    case invalidPort
    /// A keepalive above 86400 s.
    case invalidKeepalive(UInt32)
    /// The tenant has a CRP secret but the message is unsigned.
    case signatureRequired
    /// The HMAC-SHA256 trailer does not match.
    case badSignature

    /// The stable code of this error (counter and log name).
    public var reason: CRPDropReason {
        switch self {
        case .oversize: .oversize
        case .truncated: .truncated
        case .badMagic: .badMagic
        case .unsupportedVersion: .unsupportedVersion
        case .unsupportedType: .unsupportedType
        case .reservedBits: .reservedBits
        case .lengthMismatch: .lengthMismatch
        case .truncatedTLV: .truncatedTLV
        case .duplicateTLV: .duplicateTLV
        case .unknownCriticalTLV: .unknownCriticalTLV
        case .badFieldLength: .badFieldLength
        case .missingField: .missingField
        case .missingIdentity: .missingIdentity
        case .flagMismatch: .flagMismatch
        case .invalidCustomerID: .invalidCustomerID
        case .invalidCPEID: .invalidCPEID
        case .invalidSerial: .invalidSerial
        case .invalidProduct: .invalidProduct
        case .invalidFamily: .invalidFamily
        case .invalidAddress: .invalidAddress
        case .invalidPort: .invalidPort
        case .invalidKeepalive: .invalidKeepalive
        case .signatureRequired: .signatureRequired
        case .badSignature: .badSignature
        }
    }

    public var description: String {
        switch self {
        case .oversize(let size):
            "CRP datagram of \(size) bytes exceeds the \(CRPWire.maxMessageSize)-byte limit"
        case .truncated(let size): "CRP datagram of \(size) bytes is too short for its header/trailer"
        case .badMagic: "not a CRP datagram (magic is not 'CRPN')"
        case .unsupportedVersion(let v): "CRP version \(v) is not supported (this side speaks \(CRPWire.version))"
        case .unsupportedType(let t): "CRP message type \(t) is not supported (only 1 = announce)"
        case .reservedBits: "CRP header has unknown flag bits or a non-zero reserved byte"
        case .lengthMismatch(let declared, let actual):
            "CRP length field says \(declared) bytes but the datagram has \(actual)"
        case .truncatedTLV(let offset): "CRP TLV at offset \(offset) runs past the end of the message"
        case .duplicateTLV(let type): "CRP TLV type \(type) appears twice"
        case .unknownCriticalTLV(let type): "CRP TLV type \(type) is critical but unknown to this version"
        case .badFieldLength(let field, let length): "CRP field \(field) has invalid length \(length)"
        case .missingField(let field): "CRP field \(field) is required but missing"
        case .missingIdentity: "CRP announcement carries neither cpe-id nor serial"
        case .flagMismatch(let field): "CRP field \(field) is present but its header flag is not set"
        case .invalidCustomerID: "CRP customer-id must be a tenant code: 1–16 of [a-z0-9_-], first a lowercase letter"
        case .invalidCPEID: "CRP cpe-id must be a device code: 1–16 of [a-z0-9_], first a lowercase letter"
        case .invalidSerial: "CRP serial must be exactly 11 digits"
        case .invalidProduct: "CRP product must be 1–32 of [A-Za-z0-9._-]"
        case .invalidFamily(let f): "CRP address family \(f) is neither 4 (IPv4) nor 6 (IPv6)"
        case .invalidAddress: "CRP advertised address is unspecified, multicast or broadcast"
        case .invalidPort: "CRP advertised port must not be 0"
        case .invalidKeepalive(let k): "CRP keepalive \(k) s exceeds 86400 s"
        case .signatureRequired: "the tenant requires signed CRP but this announcement is unsigned"
        case .badSignature: "CRP HMAC-SHA256 signature does not match the tenant's secret"
        }
    }
}
