import CMSAPI
import Foundation
import Hummingbird
import NIOCore

/// The config archive routes (docs/api.md, docs/config-archive.md), when the control plane offers
/// ``ConfigArchiveControl`` (otherwise 501). Same token and scope rules as every tenant route; the API user
/// (the token's name) is recorded with pulls and restores.
extension APIHandlers {
    /// The largest restore request body: a 16 MiB file as base64 plus the JSON around it.
    static let maxRestoreBody = 23 << 20

    func registerConfigArchive(on router: Router<Context>) {
        let base = "\(CMSServerInfo.apiPrefix)/tenants/:tenant/devices/:code/config"
        router.post("\(base)/pull") { request, context in
            let scope = try await scope(request, context, allowed: ["format", "url", "passwordSecret", "keySecret", "passphraseSecret", "hostKey"])
            let code = try Self.pathParameter(context, "code")
            let format = try scope.query.single("format") ?? "xml"
            if let url = try scope.query.single("url") {
                let accepted = try await archiveControl().configPush(
                    scope.tenant, device: code, format: format, url: url,
                    passwordSecret: try scope.query.single("passwordSecret"),
                    keySecret: try scope.query.single("keySecret"),
                    passphraseSecret: try scope.query.single("passphraseSecret"),
                    hostKey: try scope.query.single("hostKey"), user: scope.grant.name)
                return APIResponses.json(accepted)
            }
            return APIResponses.json(
                try await archiveControl().configPull(scope.tenant, device: code, format: format, user: scope.grant.name))
        }
        router.get("\(base)/log") { request, context in
            let scope = try await scope(request, context, allowed: ["limit"])
            let code = try Self.pathParameter(context, "code")
            let limit = try scope.query.integer("limit", in: 1...10_000) ?? 100
            return APIResponses.json(try await archiveControl().configLog(scope.tenant, device: code, limit: limit))
        }
        router.get("\(base)/diff") { request, context in
            let scope = try await scope(request, context, allowed: ["from", "to"])
            let code = try Self.pathParameter(context, "code")
            let from = try Self.revision(scope.query.single("from"), "from")
            let to = try Self.revision(scope.query.single("to"), "to")
            if from == nil, to != nil { throw APIError.badQuery("to: give from too") }
            return APIResponses.json(try await archiveControl().configDiff(scope.tenant, device: code, from: from, to: to))
        }
        router.get("\(base)/show") { request, context in
            let scope = try await scope(request, context, allowed: ["format", "rev"])
            let code = try Self.pathParameter(context, "code")
            let format = try scope.query.single("format") ?? "xml"
            let revision = try Self.revision(scope.query.single("rev"), "rev")
            return APIResponses.json(
                try await archiveControl().configShow(scope.tenant, device: code, format: format, revision: revision))
        }
        router.post("\(base)/restore") { request, context in
            let scope = try await scope(request, context, allowed: [])
            let code = try Self.pathParameter(context, "code")
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: Self.maxRestoreBody)
            } catch {
                throw APIError(
                    status: 413, code: "too-large", message: "the restore request is over \(Self.maxRestoreBody) bytes")
            }
            let body: ConfigRestoreRequest
            do {
                body = try JSONDecoder().decode(ConfigRestoreRequest.self, from: Data(buffer.readableBytesView))
            } catch {
                throw APIError.badRequest("the body is not a restore request (JSON with format and one source): \(error)")
            }
            let accepted = try await archiveControl().configRestore(
                scope.tenant, device: code, request: body, user: scope.grant.name)
            return APIResponses.json(accepted, status: .accepted)
        }
    }

    func archiveControl() throws(APIError) -> any ConfigArchiveControl {
        guard let control = controlPlane as? any ConfigArchiveControl else {
            throw APIError(status: 501, code: "not-implemented", message: "this control plane has no config archive")
        }
        return control
    }

    static func revision(_ text: String?, _ name: String) throws(APIError) -> String? {
        guard let text else { return nil }
        guard !text.isEmpty, text.count <= 256, !text.hasPrefix("-"),
            !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { throw APIError.badQuery("\(name): give a revision of the archive (1 to 256 printable characters)") }
        return text
    }
}
