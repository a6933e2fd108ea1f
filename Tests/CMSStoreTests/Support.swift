import CMSModel
import CMSStore
import Foundation

enum Support {
    /// The package root, found from this source file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The folder holding the built products (the test binary sits beside the executables).
    static var productsDirectory: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = exe.deletingLastPathComponent()
        // On Linux the test runner is `<products>/cmsPackageTests.xctest`; elsewhere it may be nested.
        while directory.path != "/"
            && !FileManager.default.fileExists(
                atPath: directory.appendingPathComponent("cms-store-crashtest").path)
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory
    }

    /// A fresh temporary folder, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cms-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The two implementations the shared suite runs against.
enum StoreKind: String, CaseIterable, Sendable {
    case memory
    case sqlite

    /// A new empty store, and a cleanup to run afterwards.
    func make() throws -> (store: any EventStore, cleanup: @Sendable () -> Void) {
        switch self {
        case .memory:
            return (InMemoryEventStore(), {})
        case .sqlite:
            let directory = try Support.temporaryDirectory()
            let store = try SQLiteEventStore(path: directory.appendingPathComponent("events.sqlite").path)
            return (store, { try? FileManager.default.removeItem(at: directory) })
        }
    }
}
