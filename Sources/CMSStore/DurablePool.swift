import GRDB

/// The one way `cmsd`'s SQLite files are opened: a GRDB pool in WAL mode whose writer runs with
/// `synchronous = FULL`, so a committed event or state change survives a crash or power loss.
enum DurablePool {
    static func open(path: String, label: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.label = label
        let pool = try DatabasePool(path: path, configuration: configuration)
        // DatabasePool turns on WAL and then sets `synchronous = NORMAL` (after any prepareDatabase
        // hook), which may lose the last commits on power loss. The pool has one writer connection
        // for its whole life, so setting FULL on it here applies to every write.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }
}
