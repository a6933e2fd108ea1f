import CMSAPI
import CMSModel
import Foundation
import Hummingbird
import NIOCore

/// Firmware routes (issue 11, docs/api.md § Firmware): the image store, rollouts, resume, the imperative update.
/// Same token and scope rules as every tenant route; 501 when the control plane has no firmware engine.
extension APIHandlers {
    func registerFirmware(on router: Router<Context>) {
        let prefix = CMSServerInfo.apiPrefix
        router.get("\(prefix)/tenants/:tenant/firmware/images") { request, context in
            let scope = try await scope(request, context, allowed: [])
            return APIResponses.json(try await firmware().firmwareImages(scope.tenant))
        }
        router.post("\(prefix)/tenants/:tenant/firmware/images") { request, context in
            let scope = try await scope(request, context, allowed: ["product", "version"])
            guard let product = try scope.query.single("product") else {
                throw APIError.badQuery("product: give the image's product, e.g. NXR-230")
            }
            let version = try scope.query.single("version")
            let image = try await firmware().addFirmwareImage(
                scope.tenant, product: product, version: version, user: scope.grant.name,
                chunks: ByteChunks(body: request.body))
            return APIResponses.json(image, status: .created)
        }
        router.delete("\(prefix)/tenants/:tenant/firmware/images/:sha256") { request, context in
            let scope = try await scope(request, context, allowed: [])
            let sha = try Self.pathParameter(context, "sha256")
            return APIResponses.json(
                try await firmware().removeFirmwareImage(scope.tenant, sha256: sha, user: scope.grant.name))
        }
        router.get("\(prefix)/tenants/:tenant/rollouts") { request, context in
            let scope = try await scope(request, context, allowed: [])
            return APIResponses.json(try await firmware().rollouts(scope.tenant))
        }
        router.post("\(prefix)/tenants/:tenant/rollouts/resume") { request, context in
            let scope = try await scope(request, context, allowed: ["id"])
            let id = try scope.query.single("id")
            return APIResponses.json(try await firmware().resumeRollout(scope.tenant, id: id, user: scope.grant.name))
        }
        router.post("\(prefix)/tenants/:tenant/firmware/update") { request, context in
            let scope = try await scope(request, context, allowed: [])
            let data: ByteBuffer
            do {
                data = try await request.body.collect(upTo: 64 << 10)
            } catch {
                throw APIError.badRequest("the body must be a JSON update request of at most 64 KiB")
            }
            let update: FirmwareUpdateRequest
            do {
                update = try JSONDecoder().decode(FirmwareUpdateRequest.self, from: Data(data.readableBytesView))
            } catch {
                throw APIError.badRequest("the body is not an update request: \(error)")
            }
            let status = try await firmware().firmwareUpdate(scope.tenant, request: update, user: scope.grant.name)
            return APIResponses.json(status, status: .accepted)
        }
    }

    func firmware() throws(APIError) -> any FirmwareControl {
        guard let control = controlPlane as? any FirmwareControl else {
            throw APIError(status: 501, code: "not-implemented", message: "this server does not manage firmware")
        }
        return control
    }
}

/// A request body as byte chunks, streamed (never collected whole).
struct ByteChunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    typealias Failure = any Error
    let body: RequestBody

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        mutating func next() async throws -> [UInt8]? {
            guard let buffer = try await base.next() else { return nil }
            return Array(buffer: buffer)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: body.makeAsyncIterator()) }
}
