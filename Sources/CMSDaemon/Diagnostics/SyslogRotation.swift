/// Which syslog files of a device to keep (pure): names are `syslog-<µs since 1970>.log.gz`, so the newest has the
/// largest number. Adding a file keeps the newest `keep` (SPEC §7: the last 5 per device) and deletes the rest.
public struct SyslogRotation: Sendable, Equatable {
    public var keep: Int

    public init(keep: Int = 5) { self.keep = max(1, keep) }

    /// `syslog-<micros>.log.gz` for a fetch at `micros`.
    public static func name(micros: Int64) -> String { "syslog-\(micros).log.gz" }

    /// The time in a file name, nil for names that are not ours (left alone).
    public static func micros(of name: String) -> Int64? {
        guard name.hasPrefix("syslog-"), name.hasSuffix(".log.gz") else { return nil }
        return Int64(name.dropFirst("syslog-".count).dropLast(".log.gz".count))
    }

    /// Our files among `names`, newest first.
    public static func newestFirst(_ names: [String]) -> [String] {
        names.compactMap { name in micros(of: name).map { (name, $0) } }.sorted { $0.1 > $1.1 }.map(\.0)
    }

    /// After writing `new` beside `existing`: the files to delete (the oldest beyond `keep`). The new file is always
    /// kept, even when the wall clock went back and older-looking names are on disk.
    public func deletions(existing: [String], new: String) -> [String] {
        let others = Self.newestFirst(Array(Set(existing).subtracting([new])))
        return Array(others.dropFirst(keep - 1))
    }
}
