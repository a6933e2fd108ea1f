/// A problem with `cmsd.yaml` (or the command line that stands in for it): the file, the line and the field,
/// and what to do about it.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration file (or `command line`).
    public var file: String
    /// 1-based line of the offending value; nil when the problem concerns the whole file.
    public var line: Int?
    /// Dotted path of the field, e.g. `tenants[0].repo.url`; empty for the whole file.
    public var field: String
    public var message: String

    public init(file: String, line: Int?, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return field.isEmpty ? "\(place): \(message)" : "\(place): \(field): \(message)"
    }
}
