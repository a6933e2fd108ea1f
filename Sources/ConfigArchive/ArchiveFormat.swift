/// The three config formats of an NXR (SPEC §4) and the archive file each is kept in, under `<device>/`.
public enum ArchiveFormat: String, Sendable, Hashable, Codable, CaseIterable {
    case xml
    case showConfig = "show-config"
    case tgz

    /// The file's name in the device's folder of the archive.
    public var fileName: String {
        switch self {
        case .xml: "running.xml"
        case .showConfig: "show-config.txt"
        case .tgz: "config.tgz"
        }
    }

    /// The format a file name of the archive stands for.
    public static func from(fileName: String) -> ArchiveFormat? {
        allCases.first { $0.fileName == fileName }
    }

    /// The largest config the archive keeps (a device that sends more gets an error, never a truncated file).
    public static let maxSize = 16 << 20
}
