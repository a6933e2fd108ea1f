import CMSImport
import CMSSchema
import CRP
import Foundation
import NETCONF

/// One fuzz target: a function from arbitrary bytes to "no crash, no hang, no broken invariant".
///
/// Each harness drives a pure parser the way a hostile peer or a careless tenant could: the bytes are the
/// whole input (a YAML file, a NETCONF message or byte stream, a CRP datagram, a device list CSV or ZIP).
/// A thrown error is the expected answer to bad input; only a crash, a sanitizer report, a hang or a failed
/// `check` is a finding.
enum Harness: String, CaseIterable, Sendable {
    case yaml, xml, framing, crp, csv, zip

    /// Runs one input through the harness.
    func run(_ bytes: [UInt8]) {
        switch self {
        case .yaml: Self.yaml(bytes)
        case .xml: Self.xml(bytes)
        case .framing: Self.framing(bytes)
        case .crp: Self.crp(bytes)
        case .csv: Self.csv(bytes)
        case .zip: Self.zip(bytes)
        }
    }

    /// Lint of one tenant file: YAML text → findings. The file's place in the repository decides which
    /// document kinds the linter expects, so the first byte picks one of the places a tenant can write to.
    static func yaml(_ bytes: [UInt8]) {
        let places = ["tenant.yaml", "devices/fuzz.yaml", "groups/fuzz.yaml", "schedules/fuzz.yaml",
                      "firmware/fuzz.yaml", "mail.yaml"]
        let place = places[Int(bytes.first ?? 0) % places.count]
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        let result = Linter.lint([SourceFile(path: place, text: text)], repositoryPaths: [place])
        // A clean result must come with a snapshot, and a finding must name the file it is about.
        check(result.diagnostics.contains { $0.severity == .error } == (result.snapshot == nil),
              "snapshot present exactly when there is no error")
    }

    /// The hardened libxml2 layer and the NETCONF message parsers on top of it.
    static func xml(_ bytes: [UInt8]) {
        if let element = try? XML.parse(bytes) {
            // What we parsed we can write back, and what we wrote we read back the same.
            let written = XML.serializeBytes(element)
            let again = try? XML.parse(written, limits: XMLLimits(maxBytes: 1 << 30, maxDepth: 1 << 16,
                                                                  maxTextBytes: 1 << 30, maxAttributes: 1 << 16))
            check(again != nil, "serialized XML parses again")
        }
        _ = try? Hello.parseTyped(bytes)
        _ = try? RPCReply.parseTyped(bytes)
        _ = try? IncomingRPC.parseTyped(bytes)
    }

    /// RFC 6242 framing: the frames read from a stream must not depend on how the stream is cut into reads.
    /// The first byte picks the mode and the read size; the rest is the stream.
    static func framing(_ bytes: [UInt8]) {
        let control = bytes.first ?? 0
        let mode: FramingMode = control & 1 == 0 ? .endOfMessage : .chunked
        let step = Int(control >> 1) + 1
        let stream = Array(bytes.dropFirst())
        let limit = 4096

        // Reads `pieces` bytes at a time and takes every frame as soon as it is complete, up to the first error.
        func decode(in pieces: Int) -> (frames: [[UInt8]], failed: Bool) {
            var decoder = FrameDecoder(mode: mode, maxMessageSize: limit)
            var frames: [[UInt8]] = []
            var start = 0
            repeat {
                let end = min(stream.count, start + pieces)
                decoder.append(stream[start..<end])
                do {
                    while let frame = try decoder.next() { frames.append(frame) }
                } catch {
                    return (frames, true)
                }
                start = end
            } while start < stream.count
            return (frames, false)
        }
        let whole = decode(in: max(stream.count, 1))
        let cut = decode(in: step)
        check(whole.frames == cut.frames && whole.failed == cut.failed,
              "frames do not depend on read sizes (whole: \(whole.frames.count) \(whole.failed), cut: \(cut.frames.count) \(cut.failed))")
        for frame in whole.frames { check(frame.count <= limit, "a frame never exceeds maxMessageSize") }

        // Whatever a peer sends as a message body, our encoder frames it so that it reads back unchanged
        // (end-of-message framing cannot carry a body that holds its own delimiter).
        let body = stream.count <= limit ? stream : Array(stream.prefix(limit))
        let delimiter = Array("]]>]]>".utf8)
        // (and chunked framing has no valid form for an empty body: RFC 6242 needs one chunk).
        if mode == .chunked ? !body.isEmpty : firstIndex(of: delimiter, in: body + delimiter) == body.count {
            var decoder = FrameDecoder(mode: mode, maxMessageSize: limit)
            let framed = FrameEncoder.frame(body, mode: mode, maxChunk: step)
            let back = try? decoder.feed(framed)
            check(back == [body], "an encoded frame decodes to its body")
        }

        // The session layer: the hello in end-of-message framing, then whatever follows.
        var session = SessionFraming(maxMessageSize: limit, maxChunk: step)
        session.receive(stream)
        while let message = try? session.next() {
            if let hello = try? Hello.parseTyped(message) {
                _ = session.negotiate(local: Hello(capabilities: [Capability.base10, Capability.base11]),
                                      remote: hello)
            }
        }
    }

    /// One CRP datagram from the network, for a tenant with a secret and one without.
    static func crp(_ bytes: [UInt8]) {
        let secret = Array("fuzz-secret-0123456789".utf8)
        for tenantSecret in [secret, nil] as [[UInt8]?] {
            guard let decoded = try? CRPCodec.decode(bytes, secretFor: { _ in tenantSecret }) else { continue }
            check(!decoded.announcement.customerID.isEmpty, "a decoded announcement names its customer")
            check(!decoded.authenticated || tenantSecret != nil, "authenticated only with a secret")
            // What we accepted we can say again in the same words.
            guard let encoded = try? CRPCodec.encode(decoded.announcement, secret: tenantSecret) else {
                check(false, "an accepted announcement encodes again")
                continue
            }
            let again = try? CRPCodec.decode(encoded, secretFor: { _ in tenantSecret })
            check(again?.announcement == decoded.announcement, "decode(encode(a)) == a")
        }
    }

    /// A device list CSV: decoded in the encoding the first byte picks, read, planned against an empty repo.
    static func csv(_ bytes: [UInt8]) {
        let encodings = CSVEncoding.allCases
        let encoding = encodings[Int(bytes.first ?? 0) % encodings.count]
        guard let text = try? encoding.decode(Data(bytes.dropFirst())) else { return }
        plan(text, files: [:])
    }

    /// A device list ZIP with config files, opened with the archive safety checks, then planned.
    static func zip(_ bytes: [UInt8]) {
        guard let bundle = try? DeviceListBundle.fromArchive(Data(bytes)) else { return }
        check(bundle.csvName.lowercased().hasSuffix(".csv"), "the device list is the .csv entry")
        for name in bundle.files.keys { check(!name.contains("/") && !name.contains(".."), "entries are flat") }
        guard let text = try? CSVEncoding.utf8.decode(bundle.csv) else { return }
        plan(text, files: bundle.files)
    }

    static func plan(_ text: String, files: [String: Data]) {
        let records = CSVReader.records(in: text)
        var lastLine = 0
        for record in records {
            check(record.line > lastLine, "records come in line order")
            lastLine = record.line
        }
        let plan = ImportPlanner.plan(records: records, archiveFiles: files, snapshot: RepoSnapshot())
        _ = plan.changes
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }

    /// A broken invariant is a finding: stop here so libFuzzer saves the input.
    static func check(_ condition: Bool, _ what: @autoclosure () -> String) {
        if !condition { fatalError("fuzz invariant broken: \(what())") }
    }
}
