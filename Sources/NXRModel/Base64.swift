/// RFC 4648 base64 for YANG `binary` leaves, without Foundation.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = UInt8(index) }
        return table
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : 0x3D)
            out.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : 0x3D)
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes, ignoring XML whitespace; nil on any other invalid character or bad padding.
    static func decode(_ text: String) -> [UInt8]? {
        let chars = text.utf8.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        guard chars.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 4 * 3)
        var index = 0
        while index < chars.count {
            let quad = chars[index..<(index + 4)]
            let isLast = index + 4 == chars.count
            let padding = quad.reversed().prefix { $0 == 0x3D }.count
            guard padding <= 2, padding == 0 || isLast else { return nil }
            var accumulator: UInt32 = 0
            for (position, char) in quad.enumerated() {
                let value: UInt8
                if position >= 4 - padding {
                    value = 0
                } else {
                    value = values[Int(char)]
                    guard value != 0xFF else { return nil }
                }
                accumulator = accumulator << 6 | UInt32(value)
            }
            out.append(UInt8(accumulator >> 16 & 0xFF))
            if padding < 2 { out.append(UInt8(accumulator >> 8 & 0xFF)) }
            if padding < 1 { out.append(UInt8(accumulator & 0xFF)) }
            index += 4
        }
        return out
    }
}
