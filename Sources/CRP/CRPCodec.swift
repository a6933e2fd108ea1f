import Crypto

/// Encodes and decodes CRP v1 datagrams (docs/crp.md). Pure: bytes in, values out.
public enum CRPCodec {
    /// Encodes an announcement; signs it with HMAC-SHA256 when `secret` is given.
    /// Throws when a field breaks a rule of docs/crp.md §5 (so a sender never emits garbage).
    public static func encode(_ announcement: Announcement, secret: [UInt8]?) throws(CRPError) -> [UInt8] {
        try announcement.validate()
        var flags: CRPWire.Flags = []
        if secret != nil { flags.insert(.signed) }
        if announcement.serial != nil { flags.insert(.hasSerial) }
        if announcement.cpeID != nil { flags.insert(.hasCPEID) }

        var out = CRPWire.magic + [CRPWire.version, CRPWire.typeAnnounce, flags.rawValue, 0, 0, 0]
        func tlv(_ field: CRPField, _ value: [UInt8]) {
            out.append(field.rawValue)
            out.append(UInt8(value.count))
            out += value
        }
        tlv(.customerID, Array(announcement.customerID.utf8))
        if let cpeID = announcement.cpeID { tlv(.cpeID, Array(cpeID.utf8)) }
        if let serial = announcement.serial { tlv(.serial, Array(serial.utf8)) }
        tlv(.product, Array(announcement.product.utf8))
        let endpoint = announcement.advertise
        tlv(
            .advertise,
            [endpoint.address.family.rawValue] + bigEndian(UInt64(endpoint.port), bytes: 2)
                + endpoint.address.bytes)
        tlv(.keepalive, bigEndian(UInt64(announcement.keepalive), bytes: 4))
        tlv(.bootID, bigEndian(UInt64(announcement.bootID), bytes: 4))
        tlv(.sequence, bigEndian(announcement.sequence, bytes: 8))

        let total = out.count + (secret == nil ? 0 : CRPWire.signatureSize)
        out[8] = UInt8(total >> 8)
        out[9] = UInt8(total & 0xFF)
        if let secret {
            let mac = HMAC<SHA256>.authenticationCode(for: out, using: SymmetricKey(data: secret))
            out += Array(mac)
        }
        return out
    }

    /// Decodes and validates one datagram, in the order of docs/crp.md §5 (the first failing
    /// rule is the error). `secretFor` maps a customer-id to that tenant's CRP secret, or nil
    /// when the tenant has none; it is called once, after framing checks and before any other
    /// field is interpreted. The signature is compared in constant time.
    public static func decode(
        _ bytes: some Collection<UInt8>,
        secretFor: (String) -> [UInt8]?
    ) throws(CRPError) -> DecodedAnnouncement {
        let size = bytes.count
        guard size <= CRPWire.maxMessageSize else { throw .oversize(size: size) }
        // Decoded in place when the bytes are contiguous (a received buffer, an array): no copy.
        let result: Result<DecodedAnnouncement, CRPError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(CRPError) in try decode(message: UnsafeRawBufferPointer(buffer), secretFor: secretFor) }
        }
        if let result { return try result.get() }
        return try Array(bytes).withUnsafeBytes { message in
            Result { () throws(CRPError) in try decode(message: message, secretFor: secretFor) }
        }.get()
    }

    /// The decoder proper, on the message's bytes (at most ``CRPWire/maxMessageSize``).
    private static func decode(
        message m: UnsafeRawBufferPointer, secretFor: (String) -> [UInt8]?
    ) throws(CRPError) -> DecodedAnnouncement {
        guard m.count >= CRPWire.headerSize else { throw .truncated(size: m.count) }
        guard m[0..<4].elementsEqual(CRPWire.magic) else { throw .badMagic }
        guard m[4] == CRPWire.version else { throw .unsupportedVersion(m[4]) }
        guard m[5] == CRPWire.typeAnnounce else { throw .unsupportedType(m[5]) }
        let flags = CRPWire.Flags(rawValue: m[6])
        guard flags.subtracting(.known).isEmpty, m[7] == 0 else { throw .reservedBits }
        let declared = Int(m[8]) << 8 | Int(m[9])
        guard declared == m.count else { throw .lengthMismatch(declared: declared, actual: m.count) }
        let signed = flags.contains(.signed)
        let tlvEnd = m.count - (signed ? CRPWire.signatureSize : 0)
        guard tlvEnd >= CRPWire.headerSize else { throw .truncated(size: m.count) }

        // TLV framing walk: where each known field's value lies, indexed by its type (1...8).
        var found = Fields()
        var skipped: [UInt8] = []
        var offset = CRPWire.headerSize
        while offset < tlvEnd {
            guard tlvEnd - offset >= 2 else { throw .truncatedTLV(offset: offset) }
            let type = m[offset]
            let length = Int(m[offset + 1])
            let start = offset + 2
            guard tlvEnd - start >= length else { throw .truncatedTLV(offset: offset) }
            if CRPField(rawValue: type) != nil {
                guard found[type] == nil else { throw .duplicateTLV(type: type) }
                found[type] = start..<(start + length)
            } else if type & CRPWire.criticalBit != 0 {
                throw .unknownCriticalTLV(type: type)
            } else {
                skipped.append(type)
            }
            offset = start + length
        }
        func value(_ field: CRPField) -> Slice<UnsafeRawBufferPointer>? {
            found[field.rawValue].map { m[$0] }
        }

        // Tenant first: it selects the secret.
        guard let customerBytes = value(.customerID) else { throw .missingField(.customerID) }
        guard CRPRules.isTenantCode(customerBytes) else { throw .invalidCustomerID }
        let customerID = ascii(customerBytes)

        var authenticated = false
        if let secret = secretFor(customerID) {
            guard signed else { throw .signatureRequired }
            let valid = HMAC<SHA256>.isValidAuthenticationCode(
                UnsafeRawBufferPointer(rebasing: m[tlvEnd...]),
                authenticating: UnsafeRawBufferPointer(rebasing: m[0..<tlvEnd]), using: SymmetricKey(data: secret))
            guard valid else { throw .badSignature }
            authenticated = true
        }

        // Identity.
        let cpeID = try identity(
            value(.cpeID), field: .cpeID, flagged: flags.contains(.hasCPEID),
            rule: CRPRules.isDeviceCode, invalid: .invalidCPEID)
        let serial = try identity(
            value(.serial), field: .serial, flagged: flags.contains(.hasSerial),
            rule: CRPRules.isSerial, invalid: .invalidSerial)
        if cpeID == nil && serial == nil { throw .missingIdentity }

        guard let productBytes = value(.product) else { throw .missingField(.product) }
        guard CRPRules.isProduct(productBytes) else { throw .invalidProduct }

        let endpoint = try advertise(value(.advertise))

        let keepalive = UInt32(try integer(value(.keepalive), field: .keepalive, bytes: 4))
        guard keepalive <= CRPWire.maxKeepalive else { throw .invalidKeepalive(keepalive) }
        let bootID = UInt32(try integer(value(.bootID), field: .bootID, bytes: 4))
        let sequence = try integer(value(.sequence), field: .sequence, bytes: 8)

        let announcement = Announcement(
            customerID: customerID, cpeID: cpeID, serial: serial, product: ascii(productBytes),
            advertise: endpoint, keepalive: keepalive, bootID: bootID, sequence: sequence)
        return DecodedAnnouncement(announcement: announcement, authenticated: authenticated, skippedTLVTypes: skipped)
    }

    /// The value ranges of the known fields (types 1...8), without a heap allocation.
    private struct Fields {
        private var ranges: (
            Range<Int>?, Range<Int>?, Range<Int>?, Range<Int>?, Range<Int>?, Range<Int>?, Range<Int>?, Range<Int>?
        ) = (nil, nil, nil, nil, nil, nil, nil, nil)

        subscript(type: UInt8) -> Range<Int>? {
            get {
                switch type {
                case 1: ranges.0
                case 2: ranges.1
                case 3: ranges.2
                case 4: ranges.3
                case 5: ranges.4
                case 6: ranges.5
                case 7: ranges.6
                default: ranges.7
                }
            }
            set {
                switch type {
                case 1: ranges.0 = newValue
                case 2: ranges.1 = newValue
                case 3: ranges.2 = newValue
                case 4: ranges.3 = newValue
                case 5: ranges.4 = newValue
                case 6: ranges.5 = newValue
                case 7: ranges.6 = newValue
                default: ranges.7 = newValue
                }
            }
        }
    }

    private static func identity(
        _ value: Slice<UnsafeRawBufferPointer>?, field: CRPField, flagged: Bool,
        rule: (Slice<UnsafeRawBufferPointer>) -> Bool, invalid: CRPError
    ) throws(CRPError) -> String? {
        switch (value, flagged) {
        case (nil, false): return nil
        case (nil, true): throw .missingField(field)
        case (.some, false): throw .flagMismatch(field)
        case (.some(let bytes), true):
            guard rule(bytes) else { throw invalid }
            return ascii(bytes)
        }
    }

    private static func advertise(_ value: Slice<UnsafeRawBufferPointer>?) throws(CRPError) -> Announcement.Endpoint {
        guard let v = value else { throw .missingField(.advertise) }
        guard let first = v.first else { throw .badFieldLength(.advertise, length: 0) }
        guard let family = IPAddress.Family(rawValue: first) else { throw .invalidFamily(first) }
        guard v.count == 3 + family.byteCount else { throw .badFieldLength(.advertise, length: v.count) }
        let base = v.startIndex
        let port = UInt16(v[base + 1]) << 8 | UInt16(v[base + 2])
        guard let address = IPAddress(bytes: Array(v[(base + 3)...])) else {
            throw .badFieldLength(.advertise, length: v.count)
        }
        let endpoint = Announcement.Endpoint(address: address, port: port)
        try CRPRules.check(endpoint)
        return endpoint
    }

    private static func integer(
        _ value: Slice<UnsafeRawBufferPointer>?, field: CRPField, bytes: Int
    ) throws(CRPError) -> UInt64 {
        guard let value else { throw .missingField(field) }
        guard value.count == bytes else { throw .badFieldLength(field, length: value.count) }
        return value.reduce(0) { $0 << 8 | UInt64($1) }
    }

    private static func ascii(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private static func bigEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
        (0..<bytes).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}
