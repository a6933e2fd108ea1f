import CMSAPI
import Hummingbird
import Logging

/// Turns every failure into ``APIError`` JSON (unknown routes included) and logs one line per
/// request: method, path (never the query or any header — the Authorization header stays secret),
/// status and duration.
struct APIMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    /// The routes' methods: a known path asked with another method is a 405 with `Allow`, not a 404.
    var routes = RouteMethods([])

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = APIResponses.error(error)
        } catch let error as HTTPError where error.status == .notFound && !routes.allowed(at: request.uri.path).isEmpty {
            let allowed = routes.allowed(at: request.uri.path)
            var refused = APIResponses.error(
                APIError(
                    status: 405, code: "method-not-allowed",
                    message: "\(request.method) is not served at \(request.uri.path); use \(allowed.joined(separator: ", "))"))
            refused.headers[.allow] = allowed.joined(separator: ", ")
            response = refused
        } catch let error as HTTPError where error.status == .notFound {
            response = APIResponses.error(
                APIError(
                    status: 404, code: "route-not-found",
                    message: "no route \(request.method) \(request.uri.path); see docs/api.md"))
        } catch let error as HTTPError {
            response = APIResponses.error(
                APIError(
                    status: error.status.code, code: "http-error", message: error.body ?? error.status.reasonPhrase))
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            response = APIResponses.error(
                APIError(status: 500, code: "internal", message: "internal error; see the cmsd log"))
        }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code)",
            metadata: ["ms": "\((milliseconds * 10).rounded() / 10)"])
        return response
    }
}
