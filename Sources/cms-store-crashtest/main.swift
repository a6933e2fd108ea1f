// Appends events to an SQLite event log in a loop and prints each committed id on its own line,
// flushed, so a test can SIGKILL it mid-loop and check that every reported id survived.
// Usage: cms-store-crashtest <database-path> <tenant> [count]   (count 0 or absent = forever)
import CMSModel
import CMSStore
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: cms-store-crashtest <database-path> <tenant> [count]\n".utf8))
    exit(64)
}
let count = arguments.count > 3 ? Int(arguments[3]) ?? 0 : 0
do {
    let store = try SQLiteEventStore(path: arguments[1])
    var sequence = 0
    while count == 0 || sequence < count {
        sequence += 1
        let now = Timestamp(microsecondsSince1970: Int64(Date().timeIntervalSince1970 * 1_000_000))
        // Every third append is a batch of three, to exercise multi-row transactions too.
        let batch = sequence % 3 == 0 ? 3 : 1
        let events = (0..<batch).map { index in
            Event(
                time: now, tenant: arguments[2], type: .deviceConnectSucceeded, device: "nxr\(sequence % 100)",
                details: ["sequence": String(sequence), "index": String(index), "address": "127.0.0.1"])
        }
        let stored = try await store.append(events)
        // One unbuffered write(2) per append: the ids are out before the next append starts.
        let lines = stored.compactMap { $0.id.map { "\($0)\n" } }.joined()
        FileHandle.standardOutput.write(Data(lines.utf8))
    }
} catch {
    FileHandle.standardError.write(Data("cms-store-crashtest: \(error)\n".utf8))
    exit(1)
}
