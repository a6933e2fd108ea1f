import ArgumentParser
import CMSAPI

/// `cms refresh` — fetch the tenant's repository now (what the git webhook does).
struct RefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Make cmsd fetch the tenant's git repository now (like the webhook).",
        discussion: """
            With --wait, returns when the fetched revision is applied (exit 0), refused by lint or left the tenant \
            stalled (exit 1), or not done within --wait-timeout (exit 3): the deploy-and-wait step of a pipeline.

            EXAMPLES:
              cms refresh
              cms refresh --wait --wait-timeout 5m
            """)

    @OptionGroup var api: APIOptions
    @OptionGroup var waiting: WaitOptions

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
            guard waiting.wait else { return 0 }
            let outcome = try await Waiter.revision(result.revision, tenant: tenant, client: client, options: waiting)
            print(outcome.message)
            return outcome.status
        }
    }
}
