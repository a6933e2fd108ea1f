import CMSAPI
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One API request whose answer is written out as it arrives (a URLSession data delegate: each chunk of the chunked
/// response goes to the sink as it is read, nothing is joined in memory). Errors answer JSON and become
/// ``CLIFailure``s like every other API call.
final class StreamingRequest: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let sink: FileHandle
    private let lock = NSLock()
    private var status = 0
    private var errorBody = Data()
    private var written = 0
    private var writeError: String?
    private var continuation: CheckedContinuation<Void, any Error>?

    init(sink: FileHandle) { self.sink = sink }

    /// Sends `method` to `segments` with an optional JSON body; returns the bytes written to the sink.
    static func run(
        _ client: APIClient, method: String, _ segments: [String], body: Data? = nil, timeout: TimeInterval,
        to sink: FileHandle
    ) async throws(CLIFailure) -> Int {
        let text = client.url(segments)
        guard let url = URL(string: text) else { throw CLIFailure("cannot build a URL from \(text)") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("Bearer \(client.token)", forHTTPHeaderField: "Authorization")
        request.setValue("text/plain, application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let delegate = StreamingRequest(sink: sink)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: .ephemeral, delegate: delegate, delegateQueue: queue)
        defer { session.finishTasksAndInvalidate() }
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                delegate.lock.withLock { delegate.continuation = continuation }
                session.dataTask(with: request).resume()
            }
        } catch {
            throw client.unreachable(error)
        }
        let (status, errorBody, written, writeError) = delegate.lock.withLock {
            (delegate.status, delegate.errorBody, delegate.written, delegate.writeError)
        }
        if let writeError { throw CLIFailure(writeError) }
        guard (200..<300).contains(status) else {
            throw await client.failure(status: status, body: errorBody, segments: segments)
        }
        return written
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        lock.withLock { status = (response as? HTTPURLResponse)?.statusCode ?? 0 }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.withLock {
            guard (200..<300).contains(status) else {
                if errorBody.count < 64 << 10 { errorBody.append(data) }
                return
            }
            guard writeError == nil else { return }
            do {
                try sink.write(contentsOf: data)
                written += data.count
            } catch {
                writeError = "cannot write the output: \(error.localizedDescription)"
                dataTask.cancel()
            }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let continuation = lock.withLock { () -> CheckedContinuation<Void, any Error>? in
            defer { self.continuation = nil }
            return self.continuation
        }
        if let error, lock.withLock({ writeError == nil }) {
            continuation?.resume(throwing: error)
        } else {
            continuation?.resume()
        }
    }
}

/// Where `--out FILE` (or stdout) output goes.
enum OutputSink {
    static func open(_ path: String?) throws(CLIFailure) -> FileHandle {
        guard let path else { return FileHandle.standardOutput }
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CLIFailure("cannot create \(path) (--out): check the folder exists and is writable")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CLIFailure("cannot open \(path) (--out) for writing")
        }
        return handle
    }
}
