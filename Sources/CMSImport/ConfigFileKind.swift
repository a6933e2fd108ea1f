/// The three config file formats of an NXR, told apart by the file extension.
public enum ConfigFileKind: String, CaseIterable, Sendable {
    case xml
    case tgz
    case showConfig = "show-config"

    /// The kind for a file name's extension (`.xml`, `.tgz`, `.config`), or nil.
    public init?(fileName: String) {
        if fileName.hasSuffix(".xml") {
            self = .xml
        } else if fileName.hasSuffix(".tgz") {
            self = .tgz
        } else if fileName.hasSuffix(".config") {
            self = .showConfig
        } else {
            return nil
        }
    }
}
