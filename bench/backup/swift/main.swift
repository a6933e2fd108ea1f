import CMSBackup
import CMSModel
import CMSReconcile
import CMSStore
import Foundation
import TenantBackup

// A tenant of N devices (default 2,048) with its key pair, secrets, pinned state, config archive (a git repository
// with every device's running config) and an event log of E events
// (default 100,000): time and size of a backup with and without the event log, and of the check + stage of a
// restore. Usage: backup-bench [devices] [events]
let devices = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 2048 : 2048
let eventCount = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 100_000 : 100_000
let root = FileManager.default.temporaryDirectory.appendingPathComponent("cms-backup-bench-\(getpid())").path
let data = root + "/data"
let tenantFolder = data + "/tenants/bench"
try FileManager.default.createDirectory(atPath: tenantFolder + "/ssh", withIntermediateDirectories: true)
try FileManager.default.createDirectory(atPath: tenantFolder + "/secrets", withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: root) }
try String(repeating: "k", count: 400).write(toFile: tenantFolder + "/ssh/id_ed25519", atomically: true, encoding: .utf8)
try "ssh-ed25519 AAAA bench\n".write(toFile: tenantFolder + "/ssh/id_ed25519.pub", atomically: true, encoding: .utf8)
try "crp-secret\n".write(toFile: tenantFolder + "/secrets/crp-secret", atomically: true, encoding: .utf8)
let state = try SQLiteStateStore(path: data + "/state.sqlite")
let events = try SQLiteEventStore(path: data + "/events.sqlite")
for index in 0..<devices {
    var sync = DeviceSyncState(at: .seconds(1))
    sync.lastAppliedRevision = String(repeating: "a", count: 40)
    try await state.save(DeviceRecord(
        tenant: "bench", code: String(format: "nxr%05d", index), hostKey: "SHA256:" + String(repeating: "h", count: 43),
        serial: String(format: "S%08d", index), sync: sync,
        identity: nil, lastAddress: "10.\(index / 256).\(index % 256).1:830"))
}
var written = 0
while written < eventCount {
    let batch = min(5_000, eventCount - written)
    try await events.append((0..<batch).map {
        Event(time: .seconds(Int64(written + $0)), tenant: "bench", type: .deviceAdded,
              device: String(format: "nxr%05d", ($0 + written) % max(devices, 1)))
    })
    written += batch
}
// The config archive (issue 12): a bare git repository with one commit holding every device's running config
// (an XML file of ~3 KB each), as `<data>/archive/<tenant>.git`.
func git(_ arguments: [String], in folder: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    process.arguments = ["-C", folder] + arguments
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
}
let archiveWork = root + "/archive-work"
try FileManager.default.createDirectory(atPath: archiveWork + "/nxr", withIntermediateDirectories: true)
for index in 0..<devices {
    let code = String(format: "nxr%05d", index)
    let body = (0..<40).map { "  <interface><name>ge\($0)</name><mtu>\(1400 + index % 100)</mtu><description>\(code) port \($0)</description></interface>" }
    try ("<config xmlns=\"urn:cms:nxr\">\n  <hostname>\(code)</hostname>\n" + body.joined(separator: "\n") + "\n</config>\n")
        .write(toFile: archiveWork + "/nxr/\(code).xml", atomically: false, encoding: .utf8)
}
try git(["init", "-q", "-b", "main"], in: archiveWork)
try git(["add", "-A"], in: archiveWork)
try git(["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "running configs"], in: archiveWork)
try FileManager.default.createDirectory(atPath: data + "/archive", withIntermediateDirectories: true)
try git(["clone", "-q", "--bare", archiveWork, data + "/archive/bench.git"], in: root)
let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()
func parts(_ withEvents: Bool) -> [any BackupPart] {
    var list: [any BackupPart] = [
        TenantFilesPart.keys(tenantFolder: tenantFolder), TenantFilesPart.secrets(tenantFolder: tenantFolder),
        StoreRowsPart.state(store: state, tenant: "bench"), TenantFilesPart.archive(dataFolder: data, tenant: "bench"),
    ]
    if withEvents { list.append(StoreRowsPart.events(store: events, tenant: "bench")) }
    return list
}
print("tenant: \(devices) devices, \(eventCount) events")
for withEvents in [false, true] {
    let output = root + "/bench-\(withEvents).tgz"
    let start = ContinuousClock.now
    let info = BackupInfo(tenant: "bench", cmsd: "bench", created: Date(), revision: nil, devices: devices, groups: 0)
    let manifest = try TenantBackupArchive.write(
        parts: parts(withEvents), info: info, sealer: try BackupSealer.forWriting(secret: Array(key.utf8)),
        work: root + "/work", output: output)
    let backup = ContinuousClock.now - start
    let size = (try FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
    let restoreStart = ContinuousClock.now
    let facts = RestoreFacts(
        tenant: "bench", freeBytes: .max, serverMaxDevices: 100_000, otherTenantsDevices: 0, devicesPerTenant: 100_000,
        groupsPerTenant: 512)
    _ = try TenantRestore(dataFolder: data, tenant: "bench").stage(
        output, sealerFor: { try BackupSealer(secret: Array(key.utf8), derivation: $0) }, facts: facts,
        parts: parts(withEvents))
    let stage = ContinuousClock.now - restoreStart
    try? FileManager.default.removeItem(atPath: data + "/restore")
    let unpacked = manifest.totalSize
    print("events \(withEvents ? "included" : "excluded"): backup \(backup), \(size) bytes (\(unpacked) unpacked), check+stage \(stage)")
}
