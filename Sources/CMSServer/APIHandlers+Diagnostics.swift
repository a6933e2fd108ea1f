import CMSAPI
import Foundation
import Hummingbird
import NIOCore

/// The diagnostics routes (docs/api.md, docs/diagnostics.md): `cms exec` and syslog collection. They reach the daemon
/// through ``DiagnosticsControl``; a control plane without it answers 501.
extension APIHandlers {
    func registerDiagnostics(on router: Router<Context>) {
        let prefix = CMSServerInfo.apiPrefix
        router.post("\(prefix)/tenants/:tenant/devices/:code/exec") { request, context in
            let scope = try await scope(request, context, allowed: [])
            let code = try Self.pathParameter(context, "code")
            let control = try diagnosticsControl()
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: 16 << 10)
            } catch {
                throw APIError(status: 413, code: "body-too-large", message: "an exec request is at most 16 KiB of JSON")
            }
            let command: ExecCommand
            do {
                command = try JSONDecoder().decode(ExecCommand.self, from: Data(buffer: body))
            } catch {
                throw APIError.badRequest(
                    "the body is not an exec command (JSON with kind: \(ExecCommand.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if case .failure(let error) = Result(catching: { () throws(ExecArgumentError) in try command.validated() }) {
                throw APIError(status: 400, code: "bad-argument", message: "\(error.field): \(error.message)")
            }
            let output = try await control.exec(scope.tenant, device: code, command: command, user: scope.grant.name)
            return Self.stream(output)
        }
        router.post("\(prefix)/tenants/:tenant/syslog/fetch") { request, context in
            let scope = try await scope(request, context, allowed: ["device", "group"])
            let target: SyslogTarget
            switch (try scope.query.single("device"), try scope.query.single("group")) {
            case (let device?, nil) where !device.isEmpty: target = .device(device)
            case (nil, let group?) where !group.isEmpty: target = .group(group)
            default: throw APIError.badRequest("give exactly one of device=CODE or group=NAME")
            }
            let control = try diagnosticsControl()
            return APIResponses.json(try await control.fetchSyslog(scope.tenant, target: target, user: scope.grant.name))
        }
        router.get("\(prefix)/tenants/:tenant/devices/:code/syslog") { request, context in
            let scope = try await scope(request, context, allowed: [])
            let code = try Self.pathParameter(context, "code")
            return APIResponses.json(try await diagnosticsControl().syslogFiles(scope.tenant, device: code))
        }
        router.get("\(prefix)/tenants/:tenant/devices/:code/syslog/:index") { request, context in
            let scope = try await scope(request, context, allowed: [])
            let code = try Self.pathParameter(context, "code")
            let text = try Self.pathParameter(context, "index")
            guard let index = Int(text), (1...1000).contains(index) else {
                throw APIError.badRequest("the syslog file number '\(text)' is not valid; 1 is the newest")
            }
            return Self.stream(try await diagnosticsControl().syslogFile(scope.tenant, device: code, index: index))
        }
    }

    private func diagnosticsControl() throws(APIError) -> any DiagnosticsControl {
        guard let control = controlPlane as? any DiagnosticsControl else {
            throw APIError(
                status: 501, code: "not-implemented", message: "this server does not offer diagnostics (cms exec, syslog)")
        }
        return control
    }

    /// A text body written chunk by chunk as the control plane hands it out (chunked transfer encoding); the total
    /// size, when known, is in `X-CMS-Output-Bytes`.
    static func stream(_ output: ChunkedOutput) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        if let count = output.byteCount, let name = HTTPFields.Element.Name("X-CMS-Output-Bytes") {
            headers[name] = String(count)
        }
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                while let chunk = try await output.next() {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                try await writer.finish(nil)
            })
    }
}
