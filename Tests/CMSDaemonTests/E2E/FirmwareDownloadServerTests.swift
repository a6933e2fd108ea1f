import CMSDaemon
import CMSModel
import Foundation
import NIOPosix
import TestSupport
import Testing

/// cmsd's firmware download server on loopback, fetched with curl (issue 11, "Images"): per-download tokens that
/// expire, `Range` requests (206 with `Content-Range`, 416 when unsatisfiable), many downloads at once, its figures.
@Suite(.tags(.peer)) struct FirmwareDownloadServerTests {
    final class Now: @unchecked Sendable {
        private let lock = NSLock()
        private var value = Timestamp.seconds(1_900_000_000)
        var current: Timestamp { lock.withLock { value } }
        func advance(seconds: Int64) { lock.withLock { value = value + .seconds(seconds) } }
    }

    /// `curl` with the response head (`-D`) and body written to files; returns status line fields and the body.
    static func fetch(_ url: String, range: String? = nil, in folder: URL) throws -> (status: Int, headers: String, body: Data) {
        let name = UUID().uuidString
        let head = folder.appendingPathComponent(name + ".head")
        let body = folder.appendingPathComponent(name + ".body")
        var arguments = ["-s", "-D", head.path, "-o", body.path, url]
        if let range { arguments = ["-H", "Range: \(range)"] + arguments }
        let result = try runProcess("/usr/bin/curl", arguments)
        #expect(result.status == 0, "curl: \(result.stderr)")
        let headers = (try? String(contentsOf: head, encoding: .utf8)) ?? ""
        let status = Int(headers.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, headers, (try? Data(contentsOf: body)) ?? Data())
    }

    @Test func tokensRangesAndManyDownloadsAtOnce() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fw-dl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = Data((0..<(300 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let path = folder.appendingPathComponent("image.bin")
        try image.write(to: path)
        let now = Now()
        let server = try await FirmwareDownloadServer.start(
            host: "127.0.0.1", port: 0, group: MultiThreadedEventLoopGroup.singleton, now: { now.current })
        let url = server.grant(path: path.path, size: Int64(image.count), validFor: .seconds(60))
        #expect(url.hasPrefix("http://127.0.0.1:\(server.port)/firmware/"))
        #expect(url.split(separator: "/").last?.count == 48, "a 192-bit token")

        let whole = try Self.fetch(url, in: folder)
        #expect(whole.status == 200)
        #expect(whole.body == image)
        #expect(whole.headers.lowercased().contains("accept-ranges: bytes"))

        let middle = try Self.fetch(url, range: "bytes=1000-1999", in: folder)
        #expect(middle.status == 206)
        #expect(middle.body == image[1000...1999])
        #expect(middle.headers.contains("Content-Range: bytes 1000-1999/\(image.count)"))
        let tail = try Self.fetch(url, range: "bytes=-100", in: folder)
        #expect(tail.status == 206)
        #expect(tail.body == image.suffix(100))
        let rest = try Self.fetch(url, range: "bytes=307000-", in: folder)
        #expect(rest.status == 206)
        #expect(rest.body == image[307000...])
        let beyond = try Self.fetch(url, range: "bytes=999999-", in: folder)
        #expect(beyond.status == 416)
        #expect(beyond.headers.contains("Content-Range: bytes */\(image.count)"))

        // 40 downloads at once (one curl, --parallel): every body whole and identical.
        var arguments = ["-s", "--parallel", "--parallel-max", "40"]
        for i in 0..<40 { arguments += ["-o", folder.appendingPathComponent("p\(i).bin").path, url] }
        let parallel = try runProcess("/usr/bin/curl", arguments)
        #expect(parallel.status == 0, "\(parallel.stderr)")
        for i in 0..<40 { #expect(try Data(contentsOf: folder.appendingPathComponent("p\(i).bin")) == image, "\(i)") }
        let figures = server.downloads
        #expect(figures.served == 44, "1 whole + 3 ranges + 40 parallel")
        #expect(figures.active == 0)
        #expect(figures.bytes == Int64(image.count) * 41 + 1000 + 100 + Int64(image.count - 307000))

        // Another token, a made-up one, and the first after it expired: 404.
        let unknown = try Self.fetch("http://127.0.0.1:\(server.port)/firmware/\(String(repeating: "ab", count: 24))", in: folder)
        #expect(unknown.status == 404)
        now.advance(seconds: 61)
        #expect(try Self.fetch(url, in: folder).status == 404, "the token expired")
        let fresh = server.grant(path: path.path, size: Int64(image.count), validFor: .seconds(60))
        #expect(fresh != url)
        #expect(try Self.fetch(fresh, in: folder).body == image)
        await server.close()
    }
}
