import CMSModel
import Yams

extension DocumentDecoder {
    static func decodeFirmware(_ root: Node, _ reader: DocumentReader) -> FirmwareImage? {
        guard
            let f = Fields(
                root, path: "", allowed: header(["name", "product", "version", "url", "file", "sha256", "size", "password"]),
                reader: reader)
        else { return nil }
        let name = f.string("name", required: true, maxLength: 32, nonEmpty: true)
        let product = f.enumeration("product", Product.self, required: true)
        let version = f.string("version") ?? ""
        if f.has("version"), !Formats.isFirmwareVersion(version) {
            reader.report(
                .firmwareVersionFormat, at: f.position(of: "version"),
                "firmware version `\(version)` must be 1–16 of [A-Za-z0-9_./-]")
        }
        let url = f.string("url")
        let file = f.string("file")
        var source: FirmwareImage.Source?
        switch (url, file) {
        case (let url?, nil):
            let schemes = ["http://", "https://", "ssh://"]
            if schemes.contains(where: { url.hasPrefix($0) }), url.count <= 255 {
                source = .url(url)
            } else {
                reader.report(
                    .firmwareSource, at: f.position(of: "url"),
                    "firmware url must start with http://, https:// or ssh:// and be at most 255 characters")
            }
        case (nil, let file?):
            if file.hasPrefix("/") || file.split(separator: "/").contains("..") || file.isEmpty {
                reader.report(
                    .firmwareSource, at: f.position(of: "file"),
                    "firmware file `\(file)` must be a repository-relative path without `..`")
            } else {
                source = .file(file)
                f.record("file")
            }
        case (nil, nil):
            // Neither: the image comes from cmsd's image store, by its sha256 (`cms firmware add`).
            source = .store
        default:
            reader.report(
                .firmwareSource, at: f.keyPosition(of: "file"), "a firmware image takes `url` or `file`, not both")
        }
        let sha = f.string("sha256", required: true)
        if let sha, !Formats.isSHA256(sha) {
            reader.report(
                .firmwareSHA256, at: f.position(of: "sha256"), "sha256 must be 64 hexadecimal digits",
                hint: "compute it with `sha256sum <image>`")
        }
        let size = f.int("size", range: 1...Int.max)
        let password = f.secret("password")
        if password != nil, !(url?.hasPrefix("ssh://") ?? false) {
            reader.report(
                .firmwareSource, at: f.keyPosition(of: "password"), "`password` goes with an ssh:// url only")
        }
        guard let name, let product else { return nil }
        f.record("name")
        f.record("product")
        return FirmwareImage(
            name: name, product: product, version: version, source: source ?? .url(""), sha256: sha?.lowercased() ?? "",
            size: size, password: password)
    }
}
