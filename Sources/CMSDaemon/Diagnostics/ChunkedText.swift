import CMSAPI
import Synchronization

/// A received result handed out in chunks as the HTTP server pulls them: the one copy of the text stays here (no
/// joined buffer, no second copy), each chunk is copied only while it is written, and the text is released at the end.
final class ChunkedText: Sendable {
    private struct State {
        var text: String
        var position: String.Index
    }

    private let state: Mutex<State>
    let chunkBytes: Int
    let byteCount: Int

    init(_ text: String, chunkBytes: Int) {
        self.byteCount = text.utf8.count
        self.chunkBytes = max(1, chunkBytes)
        self.state = Mutex(State(text: text, position: text.utf8.startIndex))
    }

    func next() -> ArraySlice<UInt8>? {
        state.withLock { state in
            let utf8 = state.text.utf8
            guard state.position < utf8.endIndex else {
                state.text = ""
                state.position = state.text.utf8.startIndex
                return nil
            }
            let end = utf8.index(state.position, offsetBy: chunkBytes, limitedBy: utf8.endIndex) ?? utf8.endIndex
            let chunk = Array(utf8[state.position..<end])
            state.position = end
            return chunk[...]
        }
    }

    var output: ChunkedOutput {
        ChunkedOutput(byteCount: byteCount) { [self] in self.next() }
    }
}

extension ChunkedOutput {
    /// Bytes already in memory (a decompressed syslog file), in chunks.
    static func bytes(_ bytes: [UInt8], chunkBytes: Int) -> ChunkedOutput {
        ChunkedText(String(decoding: bytes, as: UTF8.self), chunkBytes: chunkBytes).output
    }
}
