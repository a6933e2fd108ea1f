import ArgumentParser
import CMSAPI
import Foundation

/// `cms firmware …` — the tenant's image store and one-off updates (docs/firmware.md).
struct FirmwareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "firmware",
        abstract: "Firmware images and updates (from cmsd).",
        subcommands: [
            FirmwareAddCommand.self, FirmwareListCommand.self, FirmwareRemoveCommand.self, FirmwareUpdateCommand.self,
        ])
}

/// `cms firmware add FILE --product P [--version V]`.
struct FirmwareAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Put an image into the tenant's image store (streamed upload).")

    @OptionGroup var api: APIOptions
    @Argument(help: "The image file.") var file: String
    @Option(help: "The product the image is for, e.g. NXR-230.") var product: String
    @Option(help: "Its version (default: read from the image when it says).") var version: String?
    @Option(name: [.customShort("o"), .customLong("output"), .customLong("format")], help: "Output: table, json or yaml.")
    var format: ObjectFormat = .table

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            guard FileManager.default.isReadableFile(atPath: file) else { throw CLIFailure("cannot read \(file)") }
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            var query = [("product", product)]
            if let version { query.append(("version", version)) }
            let data = try await client.send(
                "POST", ["tenants", tenant, "firmware", "images"], query: query, file: URL(fileURLWithPath: file),
                contentType: "application/octet-stream")
            let image: StoredFirmwareImage = try client.decode(data)
            switch format {
            case .json: print(try Output.json(image))
            case .yaml: Output.write(try Output.yaml(image))
            case .table: print(FirmwareListCommand.render([image]))
            }
            return 0
        }
    }
}

/// `cms firmware list`.
struct FirmwareListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the tenant's stored images.")

    @OptionGroup var api: APIOptions
    @OptionGroup var output: ListOutputOption

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let images: [StoredFirmwareImage] = try await client.get(["tenants", tenant, "firmware", "images"])
            Output.write(try Self.listing(images).render(output.output))
            return 0
        }
    }

    static func listing(_ images: [StoredFirmwareImage]) -> Listing<[StoredFirmwareImage]> {
        var table = TextTable(headers: ["PRODUCT", "VERSION", "SIZE", "SHA256", "ADDED (UTC)", "BY"], flexible: [3])
        for image in images {
            table.rows.append([
                image.product, image.version.isEmpty ? "-" : image.version, String(image.size), image.sha256,
                Output.time(image.added), image.user ?? "-",
            ])
        }
        return Listing(value: images, table: table, empty: "no images (add one with `cms firmware add FILE --product P`)")
    }

    static func render(_ images: [StoredFirmwareImage]) -> String {
        let text = (try? listing(images).render(.table)) ?? ""
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}

/// `cms firmware remove SHA256`.
struct FirmwareRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove an image (refused while the desired state uses it).")

    @OptionGroup var api: APIOptions
    @Argument(help: "The image's sha256 (or a unique prefix of at least 8 digits).") var sha256: String

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let data = try await client.send("DELETE", ["tenants", tenant, "firmware", "images", sha256])
            let image: StoredFirmwareImage = try client.decode(data)
            print("removed \(image.product) \(image.version) \(image.sha256)")
            return 0
        }
    }
}

/// `cms firmware update DEVICE… IMAGE [--group G] [--mode M]` — a one-off rollout, recorded with the API user.
struct FirmwareUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Update devices (or a group) to an image now, with the tenant's rollout policy.")

    @OptionGroup var api: APIOptions
    @Argument(help: "Device codes, then the image name (or sha256).") var arguments: [String]
    @Option(help: "Every member of this group.") var group: String?
    @Option(help: "normal, background or no-reboot.") var mode: String = "normal"
    @Option(name: [.customShort("o"), .customLong("output"), .customLong("format")], help: "Output: table, json or yaml.")
    var format: ObjectFormat = .table

    func validate() throws {
        guard let _ = arguments.last else { throw ValidationError("name the image (and devices unless --group)") }
        if group == nil, arguments.count < 2 { throw ValidationError("name at least one device, or --group G") }
        guard ["normal", "background", "no-reboot"].contains(mode) else {
            throw ValidationError("--mode must be normal, background or no-reboot")
        }
    }

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let request = FirmwareUpdateRequest(
                devices: Array(arguments.dropLast()), group: group, image: arguments.last!, mode: mode)
            let body: Data
            do { body = try JSONEncoder().encode(request) } catch { throw CLIFailure("\(error)") }
            let data = try await client.send(
                "POST", ["tenants", tenant, "firmware", "update"], body: body, contentType: "application/json")
            let status: RolloutStatus = try client.decode(data)
            switch format {
            case .json: print(try Output.json(status))
            case .yaml: Output.write(try Output.yaml(status))
            case .table: print(RolloutStatusCommand.render(status, terminal: false))
            }
            return 0
        }
    }
}
