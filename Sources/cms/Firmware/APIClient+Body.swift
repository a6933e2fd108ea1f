import CMSAPI
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension APIClient {
    /// Sends a request with a body from a file (streamed by URLSession, never read whole here) or bytes.
    func send(
        _ method: String, _ segments: [String], query: [(String, String)] = [], file: URL? = nil, body: Data? = nil,
        contentType: String
    ) async throws(CLIFailure) -> Data {
        let text = url(segments, query: query)
        guard let url = URL(string: text) else { throw CLIFailure("cannot build a URL from \(text)") }
        var request = URLRequest(url: url, timeoutInterval: max(timeout, 600))
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        let result: Result<(Data, URLResponse?), any Error> = await withCheckedContinuation { continuation in
            let done: @Sendable (Data?, URLResponse?, (any Error)?) -> Void = { data, response, error in
                if let error {
                    continuation.resume(returning: .failure(error))
                } else {
                    continuation.resume(returning: .success((data ?? Data(), response)))
                }
            }
            let task =
                if let file {
                    URLSession.shared.uploadTask(with: request, fromFile: file, completionHandler: done)
                } else {
                    URLSession.shared.uploadTask(with: request, from: body ?? Data(), completionHandler: done)
                }
            task.resume()
        }
        let data: Data
        let response: URLResponse?
        switch result {
        case .failure(let error): throw unreachable(error)
        case .success(let pair): (data, response) = pair
        }
        guard let http = response as? HTTPURLResponse else { throw CLIFailure("\(server) did not answer over HTTP") }
        guard !(200..<300).contains(http.statusCode) else { return data }
        throw await failure(status: http.statusCode, body: data, segments: segments)
    }
}
