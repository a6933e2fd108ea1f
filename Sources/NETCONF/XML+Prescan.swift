#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension XML {
    /// Refuses a start tag with more than `maxAttributes` attributes (namespace declarations included) before
    /// libxml2 sees it: libxml2 2.9 checks duplicate attributes and namespace declarations pairwise, so one
    /// tag with 50,000 attributes (540 KB) costs it 25 seconds of CPU. One linear pass: text is skipped with
    /// `memchr`, comments, CDATA, processing instructions and end tags are skipped whole, and `=` signs
    /// outside quoted values are counted inside start tags. Malformed input is left for libxml2 to report.
    static func checkAttributeCount(_ buffer: UnsafeBufferPointer<UInt8>, max limit: Int) throws(XMLError) {
        guard let base = buffer.baseAddress else { return }
        let count = buffer.count
        var index = 0

        /// Index just past the first occurrence of `terminator` at or after `from`, or `count`.
        func skip(past terminator: StaticString, from: Int) -> Int {
            let pattern = UnsafeBufferPointer(start: terminator.utf8Start, count: terminator.utf8CodeUnitCount)
            var position = from
            while position < count {
                guard let hit = memchr(base + position, Int32(pattern[0]), count - position) else { return count }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if at + pattern.count <= count,
                    memcmp(base + at, pattern.baseAddress!, pattern.count) == 0
                {
                    return at + pattern.count
                }
                position = at + 1
            }
            return count
        }

        while index < count {
            guard let hit = memchr(base + index, Int32(UInt8(ascii: "<")), count - index) else { return }
            let open = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            guard open + 1 < count else { return }
            switch buffer[open + 1] {
            case UInt8(ascii: "!"):
                if open + 3 < count, buffer[open + 2] == UInt8(ascii: "-"), buffer[open + 3] == UInt8(ascii: "-") {
                    index = skip(past: "-->", from: open + 4)
                } else if open + 2 < count, buffer[open + 2] == UInt8(ascii: "[") {
                    index = skip(past: "]]>", from: open + 2)
                } else {
                    index = skip(past: ">", from: open + 2)  // DOCTYPE: refused later anyway
                }
            case UInt8(ascii: "?"):
                index = skip(past: "?>", from: open + 2)
            case UInt8(ascii: "/"):
                index = skip(past: ">", from: open + 2)
            default:
                var attributes = 0
                var quote: UInt8 = 0
                var position = open + 1
                scan: while position < count {
                    let byte = buffer[position]
                    position += 1
                    if quote != 0 {
                        if byte == quote { quote = 0 }
                        continue
                    }
                    switch byte {
                    case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = byte
                    case UInt8(ascii: "="):
                        attributes += 1
                        if attributes > limit {
                            throw XMLError(
                                message: "an element has more than \(limit) attributes "
                                    + "(namespace declarations included), starting at byte \(open)")
                        }
                    case UInt8(ascii: ">"): break scan
                    default: break
                    }
                }
                index = position
            }
        }
    }
}
