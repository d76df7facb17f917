// swift-tools-version:6.0
// spcs-cost: what Snowflake Snowpark Container Services (SPCS) compute pools will cost, did cost,
// and what a schedule saves. Layers (arrows point to what a target may import):
//   spcs-cost -> SPCSCostCLI -> SPCSCostKit -> {SPCSCostStore, SnowflakeSQLAPI, SPCSCostReports, SPCSCostSetupSQL}
//   -> SPCSCostCore
//   (SPCSCostKit and SnowflakeSQLAPI read TOML through SPCSCostTOML, which imports nothing of ours)
import PackageDescription

let package = Package(
    name: "spcs-cost",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "spcs-cost", targets: ["spcs-cost"]),
        .library(name: "SPCSCostCore", targets: ["SPCSCostCore"]),
        .library(name: "SPCSCostKit", targets: ["SPCSCostKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // System libraries (Debian: libcurl4-openssl-dev, zlib1g-dev).
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        // (Named CZlibShim: ZIPFoundation's own zlib module is called CZlib, and clang module names must differ.)
        .systemLibrary(
            name: "CZlibShim", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),

        // Pure domain: money, rate cards, price tables, pools, schedules, billing model. Foundation only.
        .target(name: "SPCSCostCore"),

        // The setup-SQL reader (`estimate --from-sql`): lexer, statement splitter, the interpreter that follows
        // procedures, EXECUTE IMMEDIATE text and DESC/SHOW results, and the model of what a script creates. It imports
        // Core only for WarehouseSize; pricing stays in Core.
        .target(name: "SPCSCostSetupSQL", dependencies: ["SPCSCostCore"]),

        // A TOML 1.0 reader (pools files, Snowflake's config.toml and connections.toml): Swift only, bounded, never
        // traps on any input (see Sources/SPCSCostTOML/TOMLValue.swift for why it is not a library).
        .target(name: "SPCSCostTOML"),

        // The SQLite usage cache and CSV import.
        .target(
            name: "SPCSCostStore",
            dependencies: [
                "SPCSCostCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),

        // Snowflake SQL API v2 client: libcurl transport, key-pair JWT / PAT / OAuth, connections.toml, jsonv2.
        .target(
            name: "SnowflakeSQLAPI",
            dependencies: [
                "CCurl", "SPCSCostTOML",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]),

        // The document model and one writer per format (table, CSV, Markdown, JSON, HTML, xlsx). The only place that
        // rounds money. ZIPFoundation packs the xlsx workbook.
        .target(
            name: "SPCSCostReports",
            dependencies: [
                "SPCSCostCore",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),

        // Use cases that wire the others, the bundled rate cards and price tables, and the Environment.
        .target(
            name: "SPCSCostKit",
            dependencies: [
                "SPCSCostCore", "SPCSCostStore", "SnowflakeSQLAPI", "SPCSCostReports", "SPCSCostTOML",
                "SPCSCostSetupSQL",
            ],
            resources: [.copy("Resources/catalog")]),

        // ArgumentParser commands, as a library so tests can parse and run them in-process.
        .target(
            name: "SPCSCostCLI",
            dependencies: [
                "SPCSCostKit", "SPCSCostSetupSQL", "SnowflakeSQLAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // demo's inputs (copies of Fixtures/snowsight/jupyterlab-april-2024.csv and Fixtures/pools/jupyterlab-april-2024.toml,
            // kept identical by a test), so `spcs-cost demo` runs from any folder.
            resources: [.copy("Resources/demo")]),

        .executableTarget(name: "spcs-cost", dependencies: ["SPCSCostCLI"]),

        // The project's own loopback SQL API v2 test server (plain sockets, fault injection).
        .target(
            name: "SnowflakeTestServer",
            dependencies: [
                "CZlibShim",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]),

        // Benchmarks (run in release mode; see README "Performance").
        .executableTarget(
            name: "spcs-cost-bench",
            dependencies: [
                "SPCSCostKit", "SnowflakeSQLAPI", "SPCSCostStore", "SnowflakeTestServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Fuzz targets for every input spcs-cost reads (cron, CSV, TOML, pools files, setup SQL, SQL API bodies, FX),
        // and the executable that runs them under libFuzzer (Fuzz/run.sh) or replays saved inputs.
        .target(
            name: "SPCSCostFuzzing",
            dependencies: [
                "SPCSCostCore", "SPCSCostStore", "SnowflakeSQLAPI", "SPCSCostKit", "SPCSCostTOML", "SPCSCostSetupSQL",
            ]),
        .executableTarget(name: "spcs-cost-fuzz", dependencies: ["SPCSCostFuzzing"]),

        // Test helpers: fixture paths, temporary folders, golden-file (snapshot) assertions.
        .target(name: "SPCSCostTestSupport", dependencies: [.product(name: "CSV", package: "CSV.swift")],
                path: "Tests/SPCSCostTestSupport"),

        .testTarget(name: "SPCSCostCoreTests", dependencies: ["SPCSCostCore", "SPCSCostTestSupport"]),
        .testTarget(
            name: "SPCSCostSetupSQLTests", dependencies: ["SPCSCostSetupSQL", "SPCSCostCore", "SPCSCostTestSupport"]),
        .testTarget(name: "SPCSCostTOMLTests", dependencies: ["SPCSCostTOML"]),
        .testTarget(name: "SPCSCostFuzzingTests", dependencies: ["SPCSCostFuzzing", "SPCSCostTestSupport"]),
        .testTarget(
            name: "SPCSCostStoreTests",
            dependencies: [
                "SPCSCostStore", "SPCSCostCore", "SPCSCostTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                // The CSV reader that import used before streaming, as the oracle of a differential test.
                .product(name: "CSV", package: "CSV.swift"),
            ]),
        .testTarget(
            name: "SnowflakeSQLAPITests", dependencies: ["SnowflakeSQLAPI", "SnowflakeTestServer"],
            exclude: ["Resources"]),
        .testTarget(
            name: "SPCSCostReportsTests",
            dependencies: [
                "SPCSCostReports", "SPCSCostCore", "SPCSCostTestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            exclude: ["Snapshots"]),
        .testTarget(
            name: "SPCSCostKitTests",
            dependencies: ["SPCSCostKit", "SPCSCostSetupSQL", "SnowflakeTestServer", "SPCSCostTestSupport"]),
        .testTarget(
            name: "SPCSCostCLITests",
            dependencies: [
                "SPCSCostCLI", "SPCSCostKit", "SPCSCostTestSupport", "SnowflakeTestServer", "SnowflakeSQLAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // Opens the xlsx of estimate, reconcile and whatif to check their warnings reach it.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            exclude: ["Snapshots"]),
    ]
)
