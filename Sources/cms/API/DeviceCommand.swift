import ArgumentParser

/// `cms device …` — one device of a tenant.
struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Show one device (from cmsd).",
        subcommands: [DeviceShowCommand.self]
    )
}
