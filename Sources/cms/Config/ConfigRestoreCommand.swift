import ArgumentParser
import CMSAPI
import Foundation

/// `cms config restore DEVICE FILE|--archive REV|--url ssh://… [--yes]` — the device reboots into the file.
struct ConfigRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a config to a device: it REBOOTS into it and its default config is overwritten.")

    @OptionGroup var api: APIOptions

    @Argument(help: "The device code.")
    var device: String

    @Argument(help: "A local config file (.xml, .config for show-config, .tgz).")
    var file: String?

    @Option(help: "Restore this archive revision of the device instead of a file.")
    var archive: String?

    @Option(help: "Have the device download ssh://account@host:port/path instead.")
    var url: String?

    @OptionGroup var transfer: TransferCredentialOptions

    @Option(help: "xml, show-config or tgz (default: from the file name, else xml).")
    var format: ConfigFormatOption?

    @Flag(help: "Do not also store it as the startup config.")
    var noSave = false

    @Flag(help: "Do not ask: the device reboots and its default config is overwritten.")
    var yes = false

    func validate() throws {
        let sources = [file != nil, archive != nil, url != nil].filter { $0 }.count
        guard sources == 1 else { throw ValidationError("give exactly one of FILE, --archive REV or --url ssh://…") }
        try transfer.validate(url: url)
    }

    var resolvedFormat: ConfigFormatOption {
        if let format { return format }
        let name = file ?? url ?? ""
        if name.hasSuffix(".tgz") { return .tgz }
        if name.hasSuffix(".config") || name.hasSuffix(".txt") { return .showConfig }
        return .xml
    }

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            var request = ConfigRestoreRequest(format: resolvedFormat.rawValue, save: !noSave)
            if let file {
                guard let data = FileManager.default.contents(atPath: file) else { throw CLIFailure("cannot read \(file)") }
                request.contentBase64 = data.base64EncodedString()
            }
            request.archiveRevision = archive
            request.url = url
            request.passwordSecret = transfer.passwordSecret
            request.keySecret = transfer.keySecret
            request.passphraseSecret = transfer.passphraseSecret
            request.hostKey = transfer.hostKey
            if !yes {
                FileHandle.standardError.write(
                    Data(
                        """
                        WARNING: \(device) reboots into this config and its default config is overwritten\
                        \(noSave ? "" : " (it is also stored as the startup config)").
                        Type the device code to go on: 
                        """.utf8))
                guard readLine()?.trimmingCharacters(in: .whitespaces) == device else {
                    throw CLIFailure("not restored (the answer was not '\(device)'); pass --yes to skip the question")
                }
            }
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let body: Data
            do {
                body = try JSONEncoder().encode(request)
            } catch {
                throw CLIFailure("cannot encode the request: \(error)")
            }
            let data = try await client.send(
                "POST", ["tenants", tenant, "devices", device, "config", "restore"], body: body)
            let accepted: ConfigRestoreAccepted = try client.decode(data)
            print(accepted.message)
            return 0
        }
    }
}
