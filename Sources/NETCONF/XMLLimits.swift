/// Size caps applied while parsing XML, so a hostile or broken peer cannot make us allocate without bound.
///
/// libxml2 (built without `XML_PARSE_HUGE`) applies its own ceilings too: element depth 256 and a single
/// text node of at most 10,000,000 bytes. The effective caps are the smaller of ours and libxml2's.
public struct XMLLimits: Sendable, Equatable {
    /// Largest document accepted, in bytes.
    public var maxBytes: Int
    /// Deepest element nesting accepted (the root element is depth 1).
    public var maxDepth: Int
    /// Largest single text node or attribute value accepted, in bytes (UTF-8).
    public var maxTextBytes: Int
    /// Most attributes on one element, namespace declarations included. libxml2 2.9 checks them pairwise
    /// (quadratic time), so this bounds the CPU a hostile peer can cost us per byte sent.
    public var maxAttributes: Int

    public init(maxBytes: Int, maxDepth: Int, maxTextBytes: Int, maxAttributes: Int = 256) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxTextBytes = maxTextBytes
        self.maxAttributes = maxAttributes
    }

    /// 256 MiB documents, depth 256, 64 MiB text nodes (libxml2 caps text nodes at 10 MB regardless),
    /// 256 attributes per element.
    public static let `default` = XMLLimits(maxBytes: 256 << 20, maxDepth: 256, maxTextBytes: 64 << 20)
}
