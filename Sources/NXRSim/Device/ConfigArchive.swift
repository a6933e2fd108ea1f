/// The simulator's `tgz` config format: a gzip file (deflate "stored" blocks, no compression) holding a ustar
/// archive with one regular file, `config.xml`. Real NXR archives hold more; `cms` treats them as opaque, so
/// what matters is that a backup restores.
enum ConfigArchive {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let memberName = "config.xml"
    static let maxSize = 16 << 20

    /// Packs `config` as `config.xml` in a tar inside a gzip.
    static func pack(_ config: [UInt8], modified: Int = 0) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) {
            for (index, byte) in text.utf8.enumerated() { header[offset + index] = byte }
        }
        put(Self.memberName, at: 0)
        put("0000644", at: 100)
        put("0000000", at: 108)
        put("0000000", at: 116)
        put(Self.octal(config.count, width: 11), at: 124)
        put(Self.octal(modified, width: 11), at: 136)
        put("        ", at: 148)
        header[156] = UInt8(ascii: "0")
        put("ustar", at: 257)
        put("00", at: 263)
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(Self.octal(checksum, width: 6), at: 148)
        header[154] = 0
        header[155] = UInt8(ascii: " ")
        var tar = header + config
        tar += [UInt8](repeating: 0, count: (512 - config.count % 512) % 512)
        tar += [UInt8](repeating: 0, count: 1024)
        return Self.gzipStored(tar)
    }

    /// Unpacks what ``pack(_:modified:)`` made; refuses anything else with a reason.
    static func unpack(_ bytes: [UInt8]) throws(Failure) -> [UInt8] {
        let tar = try Self.gunzipStored(bytes)
        guard tar.count >= 512 else { throw Failure(description: "the archive is shorter than a tar header") }
        let header = Array(tar[0..<512])
        let name = String(decoding: header[0..<100].prefix { $0 != 0 }, as: UTF8.self)
        guard name == Self.memberName || name == "./" + Self.memberName else {
            throw Failure(description: "the archive's first member is '\(name)', expected \(Self.memberName)")
        }
        guard header[156] == UInt8(ascii: "0") || header[156] == 0 else {
            throw Failure(description: "\(Self.memberName) in the archive is not a regular file")
        }
        let sizeText = String(decoding: header[124..<136].prefix { $0 != 0 && $0 != 32 }, as: UTF8.self)
        guard let size = Int(sizeText, radix: 8), size <= Self.maxSize, 512 + size <= tar.count else {
            throw Failure(description: "bad size '\(sizeText)' for \(Self.memberName)")
        }
        return Array(tar[512..<(512 + size)])
    }

    static func octal(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 8)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func gzipStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let final: UInt8 = offset + length >= data.count ? 1 : 0
            out.append(final)
            out += [UInt8(length & 255), UInt8(length >> 8), UInt8(~length & 255), UInt8((~length >> 8) & 255)]
            out += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        out += Self.littleEndian(Self.crc32(data)) + Self.littleEndian(UInt32(truncatingIfNeeded: data.count))
        return out
    }

    static func gunzipStored(_ bytes: [UInt8]) throws(Failure) -> [UInt8] {
        guard bytes.count >= 18, bytes[0] == 0x1f, bytes[1] == 0x8b, bytes[2] == 8 else {
            throw Failure(description: "not a gzip file")
        }
        guard bytes[3] == 0 else { throw Failure(description: "gzip header flags are not supported here") }
        var index = 10
        var out: [UInt8] = []
        while true {
            guard index + 5 <= bytes.count - 8 else { throw Failure(description: "the gzip data is truncated") }
            let blockHeader = bytes[index]
            guard blockHeader & 0b110 == 0 else {
                throw Failure(description: "compressed deflate blocks: the simulator restores only its own tgz backups")
            }
            let length = Int(bytes[index + 1]) | Int(bytes[index + 2]) << 8
            let check = Int(bytes[index + 3]) | Int(bytes[index + 4]) << 8
            guard length == (~check & 0xffff), index + 5 + length <= bytes.count - 8,
                out.count + length <= Self.maxSize + 4096
            else { throw Failure(description: "a bad stored block in the gzip data") }
            out += bytes[(index + 5)..<(index + 5 + length)]
            index += 5 + length
            if blockHeader & 1 == 1 { break }
        }
        let trailer = Array(bytes[(bytes.count - 8)...])
        let crc = UInt32(trailer[0]) | UInt32(trailer[1]) << 8 | UInt32(trailer[2]) << 16 | UInt32(trailer[3]) << 24
        guard crc == Self.crc32(out) else { throw Failure(description: "the gzip CRC does not match") }
        return out
    }

    static func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 255), UInt8(value >> 8 & 255), UInt8(value >> 16 & 255), UInt8(value >> 24)]
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
