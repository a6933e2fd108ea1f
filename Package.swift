// swift-tools-version:6.0
// cms — GitOps management of Century Systems NXR router fleets.
// Dependencies point inward: executables → application/adapters → pure core.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "cms",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cms-lint", targets: ["cms-lint"]),
        .executable(name: "cms", targets: ["cms"]),
        .executable(name: "nxr-sim", targets: ["nxr-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssh.git", exact: "0.15.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", exact: "0.9.20"),
    ],
    targets: [
        // ── System libraries (Debian -dev packages, installed by scripts/setup.sh) ──
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CLibSSH2", path: "Sources/CLibSSH2", pkgConfig: "libssh2",
                       providers: [.apt(["libssh2-1-dev"])]),
        .systemLibrary(name: "CLibGit2", path: "Sources/CLibGit2", pkgConfig: "libgit2",
                       providers: [.apt(["libgit2-dev"])]),

        // ── Pure core: no sockets, files, clocks or threads ──
        .target(name: "CMSModel", swiftSettings: strict),
        .target(name: "CMSSchema",
                dependencies: ["CMSModel", .product(name: "Yams", package: "Yams")],
                swiftSettings: strict),
        .target(name: "NETCONF", dependencies: ["CLibXML2"], swiftSettings: strict),
        .target(name: "NXRModel", dependencies: ["NETCONF"], swiftSettings: strict),
        .target(name: "CRP", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: strict),

        // ── Adapters: each wraps one outside thing ──
        .target(name: "GitSource", dependencies: ["CLibGit2"], swiftSettings: strict),
        .target(name: "CMSImport",
                dependencies: ["CMSModel", "CMSSchema",
                               .product(name: "Yams", package: "Yams"),
                               .product(name: "ZIPFoundation", package: "ZIPFoundation")],
                swiftSettings: strict),
        .target(name: "NETCONFClient",
                dependencies: ["NETCONF", "CLibSSH2", .product(name: "Logging", package: "swift-log")],
                swiftSettings: strict),
        .target(name: "CRPTransport",
                dependencies: ["CRP",
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: strict),
        .target(name: "NXRSim",
                dependencies: [
                    "NETCONF", "CRP",
                    .product(name: "Yams", package: "Yams"),
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "NIOHTTP1", package: "swift-nio"),
                    .product(name: "NIOSSH", package: "swift-nio-ssh"),
                    .product(name: "Crypto", package: "swift-crypto"),
                    .product(name: "_CryptoExtras", package: "swift-crypto"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                swiftSettings: strict),

        // ── Executables: thin ──
        .executableTarget(name: "cms-lint",
                          dependencies: ["CMSSchema", "GitSource",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: strict),
        .executableTarget(name: "cms",
                          dependencies: ["CMSModel", "CMSSchema", "CMSImport", "NETCONF", "NETCONFClient",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: strict),
        .executableTarget(name: "netconf-bench", dependencies: ["NETCONF"], swiftSettings: strict),
        .executableTarget(name: "netconf-client-bench", dependencies: ["NETCONF", "NETCONFClient"],
                          path: "bench/netconf/swift", swiftSettings: strict),
        .executableTarget(name: "nxr-sim",
                          dependencies: ["NXRSim", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: strict),

        // ── Tests ──
        .testTarget(name: "CMSSchemaTests", dependencies: ["CMSSchema", "CMSModel", "GitSource"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "CMSImportTests", dependencies: ["CMSImport", "CMSSchema"]),
        .testTarget(name: "NETCONFTests", dependencies: ["NETCONF"]),
        .testTarget(name: "CRPTests", dependencies: ["CRP", "CRPTransport",
                                                  .product(name: "Crypto", package: "swift-crypto"),
                                                  .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "NXRModelTests", dependencies: ["NXRModel", "NETCONF"]),
        .testTarget(name: "NETCONFClientTests", dependencies: ["NETCONFClient", "NETCONF"], exclude: ["Fixtures"]),
        .testTarget(name: "NXRSimTests", dependencies: ["NXRSim", "NETCONF", "CRP", "NETCONFClient"]),
    ],
    swiftLanguageModes: [.v6]
)
