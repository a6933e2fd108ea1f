import CMSAPI
import Foundation
import Hummingbird

/// Building responses: JSON bodies (sorted keys; timestamps as microseconds since 1970, the DTOs'
/// encoding), errors as ``APIError`` JSON with their status, and plain text.
enum APIResponses {
    static let jsonContentType = "application/json; charset=utf-8"

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else {
            return error(APIError(status: 500, code: "internal", message: "the response could not be encoded"))
        }
        return body(data, contentType: jsonContentType, status: status)
    }

    static func error(_ error: APIError) -> Response {
        let status = (100...599).contains(error.status) ? error.status : 500
        var response = json(error, status: HTTPResponse.Status(code: status))
        if status == 401 {
            response.headers[.wwwAuthenticate] = "Bearer realm=\"cmsd\""
        }
        return response
    }

    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        body(Data(text.utf8), contentType: contentType, status: status)
    }

    static func body(_ data: Data, contentType: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
