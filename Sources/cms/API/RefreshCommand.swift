import ArgumentParser
import CMSAPI

/// `cms refresh` — fetch the tenant's repository now (what the git webhook does).
struct RefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Make cmsd fetch the tenant's git repository now (like the webhook).")

    @OptionGroup var api: APIOptions

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let result: RefreshResult = try await client.post(["tenants", tenant, "refresh"])
            if result.isNew {
                print("fetched new revision \(result.revision): cmsd lints and applies it")
            } else {
                print("revision \(result.revision) is already the latest; nothing new")
            }
            return 0
        }
    }
}
