#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// RFC 4648 base64 for YANG `binary` leaves, by Foundation's codec (FoundationEssentials where it exists, so the
/// pure model does not pull in all of Foundation). Only the XML whitespace rule is ours.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes, ignoring XML whitespace (a `binary` leaf may be wrapped); nil on any other invalid character or
    /// bad padding.
    static func decode(_ text: String) -> [UInt8]? {
        let compact = String(text.unicodeScalars.filter { $0 != " " && $0 != "\n" && $0 != "\r" && $0 != "\t" })
        return Data(base64Encoded: compact).map { [UInt8]($0) }
    }
}
