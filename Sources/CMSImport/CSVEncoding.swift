import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The character encodings a device-list CSV may be written in.
///
/// The original CMS let the user choose the encoding on upload; Windows tools of Japanese
/// customers write Shift_JIS (in practice Microsoft's CP932 superset), Unix tools EUC-JP.
public enum CSVEncoding: String, CaseIterable, Sendable {
    case utf8 = "utf-8"
    case shiftJIS = "shift_jis"
    case eucJP = "euc-jp"

    /// iconv names tried in order; CP932 first because it is what Excel on Windows writes
    /// (it adds NEC/IBM extensions such as ① and maps ～ the way Windows users expect).
    var iconvNames: [String] {
        switch self {
        case .utf8: ["UTF-8"]
        case .shiftJIS: ["CP932", "SHIFT_JIS", "SJIS"]
        case .eucJP: ["EUC-JP", "EUCJP"]
        }
    }

    /// Decodes `bytes` to text. A UTF-8 byte-order mark is dropped.
    /// Throws ``ImportError/undecodable(encoding:byteOffset:)`` naming the first offending byte, so the operator can fix the file or choose another encoding.
    public func decode(_ bytes: Data) throws(ImportError) -> String {
        switch self {
        case .utf8:
            var body = bytes
            if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
            guard let text = String(validating: body, as: UTF8.self) else {
                throw .undecodable(
                    encoding: self, byteOffset: Self.firstInvalidUTF8Offset(body) + (bytes.count - body.count))
            }
            return text
        case .shiftJIS, .eucJP:
            return try Self.iconvDecode(bytes, names: iconvNames, encoding: self)
        }
    }

    private static func firstInvalidUTF8Offset(_ data: Data) -> Int {
        var iterator = data.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var scalarStart = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                scalarStart += UTF8.width(scalar)
                offset = scalarStart
            case .emptyInput: return offset
            case .error: return offset
            }
        }
    }

    /// Converts with glibc iconv into UTF-8. Foundation on Linux does not decode EUC-JP, and using one
    /// converter for both Japanese encodings keeps their behaviour consistent.
    private static func iconvDecode(_ bytes: Data, names: [String], encoding: CSVEncoding) throws(ImportError) -> String
    {
        var converter: iconv_t?
        for name in names {
            let handle = iconv_open("UTF-8", name)
            if let handle, handle != iconv_t(bitPattern: -1) {
                converter = handle
                break
            }
        }
        guard let converter else { throw .encodingUnavailable(encoding) }
        defer { iconv_close(converter) }

        var input = [CChar](repeating: 0, count: bytes.count)
        bytes.withUnsafeBytes { raw in
            for (i, b) in raw.enumerated() { input[i] = CChar(bitPattern: b) }
        }
        // Every Shift_JIS/EUC-JP character becomes at most 3 UTF-8 bytes per input byte-pair,
        // so 3 × input is always enough; +4 for the terminating flush.
        let capacity = bytes.count * 3 + 4
        var output = [CChar](repeating: 0, count: capacity)
        var inLeft = input.count
        var outLeft = capacity
        let result: Int = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = inBuf.baseAddress
                var outPtr: UnsafeMutablePointer<CChar>? = outBuf.baseAddress
                let r = iconv(converter, &inPtr, &inLeft, &outPtr, &outLeft)
                if r == -1 { return -1 }
                return iconv(converter, nil, nil, &outPtr, &outLeft)
            }
        }
        guard result != -1 else {
            throw .undecodable(encoding: encoding, byteOffset: input.count - inLeft)
        }
        let produced = output[0..<(capacity - outLeft)].map { UInt8(bitPattern: $0) }
        guard let text = String(validating: produced, as: UTF8.self) else {
            throw .undecodable(encoding: encoding, byteOffset: 0)
        }
        return text
    }
}
