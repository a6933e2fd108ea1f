import ArgumentParser

/// `cms netconf …` — placeholder until the NETCONF client lands.
struct NetconfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "netconf", abstract: "Talk NETCONF to one device.")
}
