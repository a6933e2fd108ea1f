import CMSMail
import CMSModel
import Foundation
import MailTransport
import TestSupport
import Testing

/// The libcurl transport against real servers on loopback: aiosmtpd with AUTH LOGIN / PLAIN behind STARTTLS (a CA
/// made by the test), Dovecot's POP3 for POP-before-SMTP.
@Suite(.tags(.peer), .serialized) struct MailTransportPeerTests {
    static let password = MailerHarness.canary
    let sender = CurlMailSender(timeouts: MailTimeouts(connect: .seconds(5), total: .seconds(20)))

    static func message(subject: String = "[CMS] 監視グループ: nxr01 が切断されました") -> OutgoingMail {
        let message = MailMessage(
            from: "cms@century.example.jp", to: ["noc@century.example.jp"], subject: subject,
            date: Timestamp.seconds(1_278_296_514), timeZone: TimeZone(identifier: "Asia/Tokyo")!,
            messageID: MailMessage.messageID(tenant: "century", key: "transport-test", from: "cms@century.example.jp"),
            body: ["Event:NetConf DOWN", "CPE ID:nxr01", "name:本社", "IP Address:192.168.1.121",
                   "TimeStamp:2010/07/05 11:21:54"])
        return OutgoingMail(from: message.from, recipients: message.to, data: message.rendered())
    }

    static func endpoint(
        _ port: Int, tls: MailTLS, caFile: String?, auth: SMTPServerEndpoint.Authentication
    ) -> SMTPServerEndpoint {
        SMTPServerEndpoint(name: "primary", host: "127.0.0.1", port: port, tls: tls, caFile: caFile, authentication: auth)
    }

    @Test(arguments: ["LOGIN", "PLAIN"])
    func authOverStartTLSWithTheTestCAIsAcceptedAndTheJapaneseSubjectDecodes(mechanism: String) async throws {
        let ca = try TestCA()
        let server = try SMTPPeer(.init(auth: ("cms", Self.password), starttls: ca))
        defer { server.stop() }
        let auth: SMTPServerEndpoint.Authentication =
            mechanism == "LOGIN"
            ? .login(user: "cms", password: MailPassword(Self.password))
            : .plain(user: "cms", password: MailPassword(Self.password))
        let dialogue = try await sender.send(
            Self.message(), via: Self.endpoint(server.port, tls: .starttls, caFile: ca.caFile, auth: auth))
        #expect(dialogue.lines.contains("C: STARTTLS"))
        #expect(dialogue.lines.contains { $0.hasPrefix("C: AUTH \(mechanism)") })
        #expect(dialogue.lines.contains { $0.hasPrefix("S: 235") })
        #expect(!dialogue.lines.joined().contains(Self.password))
        let base64 = Data(Self.password.utf8).base64EncodedString()
        #expect(!dialogue.lines.joined().contains(base64), "the dialogue shows no credential, even encoded")

        let files = try server.messageFiles()
        #expect(files.count == 1)
        let decoded = try DecodedMail.decode(try #require(files.first))
        #expect(decoded.subject == "[CMS] 監視グループ: nxr01 が切断されました")
        #expect(decoded.body.contains("Event:NetConf DOWN\nCPE ID:nxr01\nname:本社\n"))
        #expect(decoded.messageID == "<cms.century.transport-test@century.example.jp>")
        #expect(decoded.date == "Mon, 05 Jul 2010 11:21:54 +0900")
        #expect(decoded.contentType == "text/plain")
        #expect(!(try String(contentsOfFile: files[0], encoding: .utf8)).contains(Self.password))
    }

    @Test func withoutTheTestCATheServersCertificateIsRefused() async throws {
        let ca = try TestCA()
        let server = try SMTPPeer(.init(auth: ("cms", Self.password), starttls: ca))
        defer { server.stop() }
        await #expect(throws: MailTransportError.self) {
            _ = try await sender.send(
                Self.message(),
                via: Self.endpoint(
                    server.port, tls: .starttls, caFile: nil,
                    auth: .login(user: "cms", password: MailPassword(Self.password))))
        }
        do {
            _ = try await sender.send(
                Self.message(),
                via: Self.endpoint(
                    server.port, tls: .starttls, caFile: nil, auth: .login(user: "cms", password: MailPassword(Self.password))))
        } catch {
            #expect(error.stage == .tls)
            #expect(!error.dialogue.contains { $0.hasPrefix("C: AUTH") }, "no credential before the certificate is trusted")
        }
        #expect(try server.messages().isEmpty)
    }

    @Test func aWrongPasswordFailsAtAuthenticationWithTheServersAnswer() async throws {
        let ca = try TestCA()
        let server = try SMTPPeer(.init(auth: ("cms", Self.password), starttls: ca))
        defer { server.stop() }
        do {
            _ = try await sender.send(
                Self.message(),
                via: Self.endpoint(
                    server.port, tls: .starttls, caFile: ca.caFile,
                    auth: .plain(user: "cms", password: MailPassword("not-the-password"))))
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(error.stage == .authenticate)
            #expect(error.message.contains("535"), "the server's refusal is named: \(error.message)")
            #expect(!error.message.contains("not-the-password"))
        }
    }

    @Test func nothingListeningFailsAtConnect() async throws {
        let port = try LoopbackPort.free()
        do {
            _ = try await sender.send(Self.message(), via: Self.endpoint(port, tls: .none, caFile: nil, auth: .none))
            Issue.record("sent to a closed port")
        } catch {
            #expect(error.stage == .connect)
            #expect(error.server == "primary")
        }
    }

    @Test func popBeforeSMTPLogsInToDovecotFirstAndOnlyThenIsTheMailAccepted() async throws {
        try #require(DovecotPeer.available, "dovecot-pop3d is not installed (scripts/setup.sh installs it)")
        let dovecot = try DovecotPeer(user: "cms-pop", password: Self.password)
        defer { dovecot.stop() }
        let server = try SMTPPeer(.init(auth: ("cms-pop", Self.password), popLog: dovecot.logFile))
        defer { server.stop() }
        // Without the POP3 login the server refuses the sender.
        do {
            _ = try await sender.send(Self.message(), via: Self.endpoint(server.port, tls: .none, caFile: nil, auth: .none))
            Issue.record("accepted without the POP3 login")
        } catch {
            #expect(error.stage == .accept)
            #expect(error.message.contains("530"))
        }
        // A wrong POP3 password is a login failure, and still nothing is sent.
        let pop = POP3Endpoint(host: "127.0.0.1", port: dovecot.port, tls: .none)
        do {
            _ = try await sender.send(
                Self.message(),
                via: Self.endpoint(
                    server.port, tls: .none, caFile: nil,
                    auth: .popBeforeSMTP(pop: pop, user: "cms-pop", password: MailPassword("wrong"))))
            Issue.record("accepted with a wrong POP3 password")
        } catch {
            #expect(error.stage == .authenticate)
            #expect(error.message.contains("POP3 127.0.0.1:\(dovecot.port)"))
        }
        #expect(try server.messages().isEmpty)
        let dialogue = try await sender.send(
            Self.message(),
            via: Self.endpoint(
                server.port, tls: .none, caFile: nil,
                auth: .popBeforeSMTP(pop: pop, user: "cms-pop", password: MailPassword(Self.password))))
        #expect(dovecot.log().contains("Login: user=<cms-pop>"))
        #expect(dialogue.lines.contains { $0.hasPrefix("POP3 ") })
        #expect(!dialogue.lines.joined().contains(Self.password))
        #expect(try server.messages().count == 1)
    }
}
