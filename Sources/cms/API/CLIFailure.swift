import ArgumentParser
import Foundation

/// A failure of an API command: the message says what went wrong and what to do. Printed to stderr
/// as `error: …`; the command exits with status 2.
struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    /// The HTTP status of a refused request (404: a did-you-mean may follow).
    var httpStatus: Int?
    init(_ description: String, httpStatus: Int? = nil) {
        self.description = description
        self.httpStatus = httpStatus
    }

    /// Runs a command body; a failure is printed and becomes exit status 2. The body returns the
    /// exit status it wants (0 normally; `cms plan` uses 1 for "changes").
    static func run(_ body: () async throws(CLIFailure) -> Int32) async throws {
        let status: Int32
        do {
            status = try await body()
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
