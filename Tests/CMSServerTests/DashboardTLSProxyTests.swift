import Foundation
import Testing

/// The dashboard behind a real TLS-terminating proxy (nginx from Debian, configured as docs/production.md says):
/// the session cookie a browser gets over `https` is `Secure` (and still `HttpOnly`, `SameSite=Strict`), the
/// session works through the proxy, and the same server reached directly over plain HTTP sets no `Secure`.
@Suite(.serialized) struct DashboardTLSProxyTests {
    static let nginx = "/usr/sbin/nginx"

    /// A throwaway certificate for 127.0.0.1 and an nginx that forwards `https://127.0.0.1:PORT` to `upstream`.
    struct Proxy {
        let folder: URL
        let port: Int
        let process: Process

        init(upstream: String) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-proxy-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            openssl.arguments = [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", folder.appendingPathComponent("key.pem").path,
                "-out", folder.appendingPathComponent("cert.pem").path,
            ]
            openssl.standardError = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            guard openssl.terminationStatus == 0 else { throw TestFailure("openssl could not make a certificate") }
            port = try LoopbackPortForTests.free()
            let path = folder.path
            // The nginx of docs/production.md, in one process as the test's user, everything inside the folder.
            try """
                daemon off;
                master_process off;
                pid \(path)/nginx.pid;
                error_log \(path)/error.log;
                events {}
                http {
                    access_log off;
                    client_body_temp_path \(path)/body;
                    proxy_temp_path \(path)/proxy;
                    fastcgi_temp_path \(path)/fastcgi;
                    uwsgi_temp_path \(path)/uwsgi;
                    scgi_temp_path \(path)/scgi;
                    server {
                        listen 127.0.0.1:\(port) ssl;
                        ssl_certificate \(path)/cert.pem;
                        ssl_certificate_key \(path)/key.pem;
                        ssl_protocols TLSv1.2 TLSv1.3;
                        location / {
                            proxy_pass \(upstream);
                            proxy_http_version 1.1;
                            proxy_set_header Host $host;
                            proxy_set_header X-Forwarded-Proto $scheme;
                            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        }
                    }
                }
                """.write(to: folder.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
            process = Process()
            process.executableURL = URL(fileURLWithPath: DashboardTLSProxyTests.nginx)
            process.arguments = ["-p", path, "-c", path + "/nginx.conf", "-e", path + "/error.log"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        var base: String { "https://127.0.0.1:\(port)" }

        func stop() {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
            try? FileManager.default.removeItem(at: folder)
        }
    }

    static func setCookie(_ response: String) -> String? {
        response.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: cms_session=") }.map(String.init)
    }

    @Test func behindATLSTerminatingProxyTheSessionCookieIsSecure() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.nginx), "install nginx-light (scripts/setup.sh)")
        try await TestServer.with { server in
            let proxy = try Proxy(upstream: server.base)
            defer { proxy.stop() }
            let jar = proxy.folder.appendingPathComponent("jar").path
            // -k: the certificate is the test's own; the pinned one would do as well (--cacert).
            let curl = DashboardSessionTests.Curl(base: proxy.base, jar: jar, extra: ["-k"])
            // nginx is up once it answers over TLS (generous: a loaded CI machine).
            let deadline = Date().addingTimeInterval(60)
            while try curl("/login").status != 200 {
                guard Date() < deadline, proxy.process.isRunning else {
                    let log = (try? String(contentsOf: proxy.folder.appendingPathComponent("error.log"), encoding: .utf8))
                    throw TestFailure("nginx did not answer over TLS: \(log ?? "no log")")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let login = try curl("/login", form: ["token": Tokens.acme], headers: true)
            #expect(login.status == 303)
            let cookie = try #require(Self.setCookie(login.body))
            #expect(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
                    "\(cookie)")
            // The browser sends a Secure cookie back over https: the session works through the proxy.
            let overview = try curl("/")
            #expect(overview.status == 200 && overview.body.contains("acme-ci"))
            let switched = try curl("/lang/ja?back=/", headers: true)
            #expect(switched.body.lowercased().contains("set-cookie: cms_lang=ja") && switched.body.contains("; Secure"))

            // The same server reached directly over plain HTTP: no Secure (it would never come back).
            let directJar = jar + "-direct"
            let direct = DashboardSessionTests.Curl(base: server.base, jar: directJar)
            let plain = try #require(Self.setCookie(try direct("/login", form: ["token": Tokens.acme], headers: true).body))
            #expect(!plain.contains("Secure"), "\(plain)")
        }
    }
}
