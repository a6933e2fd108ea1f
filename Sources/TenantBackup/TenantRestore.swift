import CMSBackup
import Foundation

/// A tenant restore, staged then swapped (docs/backup.md "Restore"):
///
/// 1. ``stage(_:sealerFor:facts:parts:)`` unpacks a verified archive into `<data>/restore/<tenant>/` and has
///    every part check its staged folder; SPEC §11's checks run on the manifest. The live state is untouched.
/// 2. ``commit(parts:)`` writes the `READY` marker (synced, renamed into place): from then on the restore
///    is rolled forward. Every part installs its staged state (idempotently), then the folder is removed.
/// 3. ``recover(parts:)``, run by `cmsd` at start before any tenant runs: a staged restore with `READY` is
///    installed again from the start (roll forward); one without is removed (the old state stays).
///
/// So a crash or `kill -9` at any moment leaves the old state or the new one, never a mix.
public struct TenantRestore: Sendable {
    public let dataFolder: String
    public let tenant: String

    public init(dataFolder: String, tenant: String) {
        self.dataFolder = dataFolder
        self.tenant = tenant
    }

    public var folder: String { dataFolder + "/restore/" + tenant }
    var staging: String { folder + "/parts" }
    var marker: String { folder + "/READY" }

    /// Reads, verifies and unpacks `archive`; checks the server's facts. Throws the first problem (and removes
    /// the staged folder); returns the manifest.
    public func stage(
        _ archive: String, sealerFor: (KeyDerivation) throws -> BackupSealer, facts: RestoreFacts,
        parts: [any BackupPart]
    ) throws -> BackupManifest {
        try? FileManager.default.removeItem(atPath: folder)
        do {
            try FileIO.makeFolder(folder)
            let needed = FileIO.size(archive) * RestoreCheck.spaceFactor
            var early = facts
            early.freeBytes = FileIO.freeBytes(dataFolder)
            if needed > early.freeBytes { throw RestoreProblem.notEnoughSpace(needed: needed, free: early.freeBytes) }
            let manifest = try TenantBackupArchive.read(archive, tenant: tenant, sealerFor: sealerFor, staging: staging)
            var checked = facts
            checked.freeBytes = min(facts.freeBytes, FileIO.freeBytes(dataFolder) + manifest.totalSize)
            if let problem = RestoreCheck.problems(manifest, facts: checked).first { throw problem }
            for part in parts where manifest.parts.contains(part.name) {
                try part.check(staged: staging + "/" + part.name)
            }
            return manifest
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
    }

    /// Swaps the staged state in (the tenant's controller must be stopped).
    public func commit(parts: [any BackupPart], manifest: BackupManifest) throws {
        let text = manifest.parts.joined(separator: "\n") + "\n"
        let temporary = marker + ".tmp"
        try FileIO.write(Array(text.utf8), to: temporary, mode: 0o600)
        try FileIO.rename(temporary, to: marker)
        FileIO.syncFolder(folder)
        try install(parts: parts, staged: manifest.parts)
    }

    /// Rolls a restore cut off by a crash forward (READY present) or drops it (no READY). True when one was
    /// rolled forward.
    @discardableResult
    public func recover(parts: [any BackupPart]) throws -> Bool {
        guard FileManager.default.fileExists(atPath: folder) else { return false }
        guard let data = FileManager.default.contents(atPath: marker) else {
            try? FileManager.default.removeItem(atPath: folder)
            return false
        }
        let staged = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        try install(parts: parts, staged: staged)
        return true
    }

    private func install(parts: [any BackupPart], staged: [String]) throws {
        for part in parts {
            try part.install(from: staged.contains(part.name) ? staging + "/" + part.name : nil)
        }
        // The marker goes first: from here on nothing is left to roll forward.
        unlink(marker)
        FileIO.syncFolder(folder)
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Tenants with a restore folder under `<data>/restore/`.
    public static func pending(dataFolder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dataFolder + "/restore")) ?? []).sorted()
    }
}

/// Runs a blocking job on a thread of its own and resumes the caller when it ends (never blocks the pool).
public enum BlockingJob {
    public static func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
            thread.name = name
            thread.start()
        }
    }
}
