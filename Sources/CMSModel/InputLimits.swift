/// Caps on what one revision of a tenant repository may make `cms-lint` and `cmsd` read, parse and hold.
///
/// A tenant's repository is input from outside the server: a 0.5 KB alias bomb or a 200 MiB file must become a
/// lint finding of that tenant, never a hang, a starved thread pool or a gigabyte of memory. Each cap is a
/// default an operator may raise; a revision over one fails lint with a finding naming the file and the cap
/// (docs/lint-rules.md `yaml.limit`, `input.limit`; docs/security.md "Tenant repositories").
public struct InputLimits: Sendable, Equatable, Hashable {
    /// Bytes of one file read from the repository (a YAML document file or an enforced XML config). The size is
    /// checked before the file is read. A device file is a few hundred bytes; a 50,000-member group about 3 MiB.
    public var maxFileBytes: Int
    /// Bytes read from one revision in all.
    public var maxRevisionBytes: Int
    /// Paths (files of any kind) in one revision.
    public var maxFiles: Int
    /// Aliases (`*name`) in one YAML file. yamllint/PyYAML-style caps: aliases are rare in tenant files, and an
    /// alias of a collection multiplies the nodes the decoder walks.
    public var maxAliases: Int
    /// Nodes of one YAML file once every alias is expanded (what the decoder would walk). The billion-laughs
    /// defence: ten levels of ten aliases expand 0.5 KB into 10^10 nodes.
    public var maxExpandedNodes: Int
    /// Nesting depth of collections in one YAML file (the decoder recurses once per level).
    public var maxDepth: Int
    /// Wall-clock time the lint of one revision may take, in seconds; past it the lint stops with a finding.
    public var lintSeconds: Double

    public init(
        maxFileBytes: Int = 8 << 20, maxRevisionBytes: Int = 128 << 20, maxFiles: Int = 250_000,
        maxAliases: Int = 1_000, maxExpandedNodes: Int = 2_000_000, maxDepth: Int = 64, lintSeconds: Double = 60
    ) {
        self.maxFileBytes = maxFileBytes
        self.maxRevisionBytes = maxRevisionBytes
        self.maxFiles = maxFiles
        self.maxAliases = maxAliases
        self.maxExpandedNodes = maxExpandedNodes
        self.maxDepth = maxDepth
        self.lintSeconds = lintSeconds
    }

    /// The defaults.
    public static let `default` = InputLimits()
}
