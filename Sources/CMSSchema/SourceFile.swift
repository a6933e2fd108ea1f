/// One YAML file of a tenant repository: its repository-relative path and its text.
public struct SourceFile: Sendable, Equatable, Hashable {
    public var path: String
    public var text: String
    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}
