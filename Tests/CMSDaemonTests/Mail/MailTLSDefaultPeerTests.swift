import CMSMail
import CMSModel
import Foundation
import MailTransport
import TestSupport
import Testing

/// The default `tls: starttls` against a server like the original product's (no TLS at all): nothing goes in
/// clear, not even the sender, and the failure says what to set; `tls: none` (explicit) then sends as the original.
@Suite(.tags(.peer), .serialized) struct MailTLSDefaultPeerTests {
    let sender = CurlMailSender(timeouts: MailTimeouts(connect: .seconds(5), total: .seconds(20)))

    @Test func aServerWithoutTLSIsRefusedByTheDefaultWithAHintAndServedWithTLSNone() async throws {
        let plain = try SMTPPeer()
        defer { plain.stop() }
        let defaultTLS = Mail.Server(name: "legacy", host: "127.0.0.1", port: plain.port, from: "cms@century.example.jp")
        #expect(defaultTLS.tls == .starttls, "the model's default")
        let login = SMTPServerEndpoint.Authentication.none
        do {
            _ = try await sender.send(
                MailTransportPeerTests.message(),
                via: SMTPServerEndpoint(
                    name: "legacy", host: "127.0.0.1", port: plain.port, tls: .starttls, caFile: nil, authentication: login))
            Issue.record("sent without the STARTTLS the default asks for")
        } catch {
            #expect(error.stage == .tls)
            #expect(error.message.contains("offers no STARTTLS") && error.message.contains("`tls: none`"), "\(error.message)")
            #expect(!error.dialogue.contains { $0.hasPrefix("C: MAIL") }, "\(error.dialogue)")
        }
        #expect(try plain.messages().isEmpty)

        let dialogue = try await sender.send(
            MailTransportPeerTests.message(),
            via: SMTPServerEndpoint(
                name: "legacy", host: "127.0.0.1", port: plain.port, tls: .none, caFile: nil, authentication: login))
        #expect(!dialogue.lines.contains("C: STARTTLS"))
        #expect(try plain.messages().count == 1)
    }
}
