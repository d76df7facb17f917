import ArgumentParser
import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import SPCSCostCore
import SPCSCostKit
import SPCSCostReports
import SPCSCostStore

/// Benchmarks for the speed targets (README "Performance"); run in release mode:
///   swift run -c release spcs-cost-bench decode-cache --rows 1000000
///   swift run -c release spcs-cost-bench make-cache --pools 1000 --days 365 --cache /tmp/big.sqlite
///   swift run -c release spcs-cost-bench report --cache /tmp/big.sqlite
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spcs-cost-bench", abstract: "spcs-cost benchmarks (targets in README, Performance).",
        subcommands: [DecodeCache.self, MakeCache.self, ReportBench.self, WhatIfBench.self, WhatIfRunBench.self, PartitionsBench.self,
                      AccountsBench.self, StreamTableBench.self])
}

/// Seconds since `start`.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// The peak resident memory of this process in MB (VmHWM of /proc/self/status), or nil where unavailable.
func peakMegabytes() -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
    return kb / 1024
}

/// The SNOWPARK_CONTAINER_SERVICES_HISTORY columns as the SQL API describes them.
let historyColumns: [Column] = [
    Column(name: "START_TIME", type: .timestampLTZ, scale: 9), Column(name: "END_TIME", type: .timestampLTZ, scale: 9),
    Column(name: "COMPUTE_POOL_NAME", type: .text), Column(name: "COMPUTE_POOL_ID", type: .fixed, precision: 38, scale: 0),
    Column(name: "IS_EXCLUSIVE", type: .boolean), Column(name: "APPLICATION_NAME", type: .text),
    Column(name: "APPLICATION_ID", type: .fixed, precision: 38, scale: 0),
    Column(name: "CREDITS_USED", type: .fixed, precision: 38, scale: 9),
]

/// Decoding and caching history rows from SQL API partitions already fetched (issue target: ≥ 300,000 rows/s).
struct DecodeCache: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode-cache", abstract: "Decode jsonv2 partitions of history rows and upsert them into a SQLite cache.")

    @Option(help: "Rows.") var rows = 1_000_000
    @Option(help: "Rows per partition.") var partitionRows = 50_000
    @Option(help: "Partitions decoded at once.") var concurrency = 4
    @Option(help: "Write the partition bodies to this folder (for the Python comparison) and stop.") var writeBodies: String?

    func run() async throws {
        // Bodies as Snowflake sends later partitions: compact {"data":[[...],...]}, one row per line.
        var bodies: [Data] = []
        var n = 0
        let base = 1_711_933_200
        while n < rows {
            var text = "{\"data\":["
            let count = min(partitionRows, rows - n)
            for i in 0..<count {
                // Pool by pool, hour by hour: the order of the pull's query (ORDER BY COMPUTE_POOL_NAME, START_TIME).
                let r = n + i
                let pool = r / 1000
                let start = base + (r % 1000) * 3600
                text += (i == 0 ? "" : ",\n")
                text += "[\"\(start).000000000\",\"\(start + 3600).000000000\",\"POOL_\(String(format: "%04d", pool))\",\"\(pool)\",\"false\",null,null,\"0.\(String(format: "%09d", 60_000_000 + r % 1000))\"]"
            }
            text += "]}"
            bodies.append(Data(text.utf8))
            n += count
        }
        if let dir = writeBodies {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for (i, b) in bodies.enumerated() { try b.write(to: URL(fileURLWithPath: "\(dir)/partition-\(i).json")) }
            print("wrote \(bodies.count) partitions of \(rows) rows to \(dir)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spcs-cost-bench-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = try UsageCache(.path(dir.appendingPathComponent("cache.sqlite").path))

        let frozen = bodies
        let start = ContinuousClock.now
        // Decode partitions and turn them into rows concurrently, at most `concurrency` at once (as a pull does while
        // later partitions are still being fetched), then upsert everything in one transaction.
        let converted: [[UsageRecord]] = try await withThrowingTaskGroup(of: (Int, [UsageRecord]).self) { group in
            var out = [[UsageRecord]](repeating: [], count: frozen.count)
            var next = 0
            func start(_ i: Int) {
                group.addTask {
                    (i, try PullService.usageRecords([JSONv2.decodePartition(frozen[i], columns: historyColumns, partitionIndex: i)]))
                }
            }
            while next < min(concurrency, frozen.count) { start(next); next += 1 }
            while let (i, rows) = try await group.next() {
                out[i] = rows
                if next < frozen.count { start(next); next += 1 }
            }
            return out
        }
        let decoded = seconds(since: start)
        let outcome = try cache.load(.init(kind: "pull", source: "bench", checksum: "", loadedAt: Date(timeIntervalSince1970: 0))) { w in
            for partition in converted { for r in partition { try w.upsert(r) } }
        }
        let total = seconds(since: start)
        print(String(format: "decode-cache: %d rows, %d partitions: decode to rows %.2f s, upsert %.2f s; total %.2f s = %.0f rows/s (inserted %d)",
                     rows, frozen.count, decoded, total - decoded, total, Double(rows) / total, outcome.inserted))
    }
}

/// A cache of synthetic hourly rows, the shape of the emulator's large mode: most pools always on, the rest on a
/// weekday 10:00-19:00 schedule.
struct MakeCache: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "make-cache", abstract: "Write a large synthetic cache.")

    @Option(help: "Pools.") var pools = 1000
    @Option(help: "Days from 2024-01-01.") var days = 365
    @Option(help: "The cache file (replaced).") var cache: String

    func run() async throws {
        try? FileManager.default.removeItem(atPath: cache)
        let c = try UsageCache(.path(cache))
        let start = ContinuousClock.now
        let t0 = 1_704_067_200  // 2024-01-01T00:00Z
        var total = 0
        _ = try c.load(.init(kind: "import", source: "bench", checksum: "", loadedAt: Date(timeIntervalSince1970: 0))) { w in
            for p in 0..<pools {
                let alwaysOn = p % 20 < 17
                for h in 0..<(days * 24) {
                    let t = t0 + h * 3600
                    if !alwaysOn {
                        let hour = (h + 9) % 24, weekday = ((t / 86_400) + 4) % 7  // Tokyo wall hour, UTC weekday
                        guard (10..<20).contains(hour), (1...5).contains(weekday) else { continue }
                    }
                    try w.upsert(UsageRecord(startTime: Date(timeIntervalSince1970: TimeInterval(t)),
                                             endTime: Date(timeIntervalSince1970: TimeInterval(t + 3600)),
                                             computePoolName: String(format: "POOL_%04d", p),
                                             creditsUsed: NanoCredits(Int64(p % 3 == 0 ? 60_000_000 : 110_000_000))))
                    total += 1
                }
            }
        }
        print(String(format: "make-cache: %d rows in %.1f s", total, seconds(since: start)))
    }
}

/// The savings report over the whole cache (target: under 2 s and 200 MB).
struct ReportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Time the report over a cache.")

    @Option(help: "The cache file.") var cache: String
    @Option(help: "First day.") var from = "2024-01-01"
    @Option(help: "Last day.") var to = "2024-12-30"

    func run() async throws {
        let env = try Environment.live()
        let c = try UsageCache(.path(cache))
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        var o = ReportOptions(from: CivilDate(from)!, to: CivilDate(to)!, timeZone: tokyo)
        o.defaultShape = PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1)
        o.rateCardID = "2026-04"
        o.region = "aws-ap-northeast-1"
        o.plan = BusinessHours(startSecondOfDay: 36_000, endSecondOfDay: 68_400,
                               weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: tokyo)
        let start = ContinuousClock.now
        let report = try ReportService(env: env).build(o, cache: c)
        let built = seconds(since: start)
        let files = SavingsReportFilesCount.count(report)
        print(String(format: "report: %d pools × %d days (%d rows): built in %.2f s; peak memory %.0f MB; %d day rows",
                     report.pools.count, report.from.days(to: report.through) + 1, report.rowCount, built,
                     peakMegabytes() ?? -1, files))
    }
}

/// What-if re-pricing of the whole cache under always-on and business hours (target: under 2 s).
struct WhatIfBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "whatif", abstract: "Time two what-if policies over a cache.")

    @Option(help: "The cache file.") var cache: String
    @Option(help: "First day.") var from = "2024-01-01"
    @Option(help: "Last day.") var to = "2024-12-30"

    func run() async throws {
        let env = try Environment.live()
        let c = try UsageCache(.path(cache))
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        let card = try env.catalog.rateCard(id: "2026-04")
        let window = BusinessHours(startSecondOfDay: 36_000, endSecondOfDay: 68_400,
                                   weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: tokyo)
        let start = ContinuousClock.now
        let results = try WhatIfService(env: env).repriceCache(
            c, from: CivilDate(from)!, to: CivilDate(to)!, zone: tokyo, policies: [.alwaysOn, .businessHours(window)],
            shape: { _ in PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1) },
            rate: { try env.catalog.rate(of: $0, on: card).creditsPerNodeHour })
        let elapsed = seconds(since: start)
        let metered = results.filter { $0.policy == .alwaysOn }.reduce(Decimal(0)) { $0 + $1.meteredCredits }
        print(String(format: "whatif: %d pools × 2 policies in %.2f s; peak memory %.0f MB; metered %@ credits",
                     results.count / 2, elapsed, peakMegabytes() ?? -1, ExactDecimal.text(metered)))
    }
}

/// `spcs-cost whatif`'s own work without its document: a pools file's pools re-priced from the cache under always-on
/// and business hours and priced through the ledger (``WhatIfService/run(_:policies:cache:)``), one pool at a time.
struct WhatIfRunBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whatif-run", abstract: "Time whatif's re-pricing and pricing of a pools file over a cache (no document).")

    @Option(help: "The cache file.") var cache: String
    @Option(help: "The pools file.") var pools: String
    @Option(help: "First day.") var from = "2024-04-01"
    @Option(help: "Last day.") var to = "2025-03-31"

    func run() async throws {
        let env = try Environment.live()
        let c = try UsageCache(.path(cache))
        let file = try PoolsFile.parse(try String(contentsOfFile: pools, encoding: .utf8), file: pools)
        var options = ReconcileOptions(pools: file, from: CivilDate(from)!, to: CivilDate(to)!)
        options.price = PriceSettings()
        let start = ContinuousClock.now
        let run = try WhatIfService(env: env).run(options, policies: ["always-on", "business-hours=10:00-19:00,MON-FRI,Asia/Tokyo"],
                                                  cache: c)
        let elapsed = seconds(since: start)
        let days = run.results.reduce(0) { $0 + $1.days.count }
        print(String(format: "whatif-run: %d results, %d pool-days, priced in %.2f s; peak memory %.0f MB",
                     run.results.count, days, elapsed, peakMegabytes() ?? -1))
    }
}

/// Rows of the per-day table (a quick size check).
enum SavingsReportFilesCount {
    static func count(_ r: SavingsReport) -> Int { r.days.count }
}

/// The partition window (issue target: 50 partitions that each take 100 ms to arrive, fetched in at most a quarter of
/// a sequential client's time): one statement of `partitions` partitions from the project's SQL API test server on
/// loopback, each fetch delayed by `latency` ms, read with a window of 1 (sequential) and of `window`.
struct PartitionsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partitions", abstract: "Fetch a many-partition result over loopback, sequentially and with the partition window.")

    @Option(help: "Result partitions.") var partitions = 50
    @Option(help: "Milliseconds each partition fetch waits before the server answers.") var latency = 100
    @Option(help: "The partition window to compare with 1.") var window = SQLAPIClientOptions.defaultPartitionWindow
    @Option(help: "The test key pair (PKCS#8 private key; its .pub beside it).")
    var key = "Tests/SnowflakeSQLAPITests/Resources/test_rsa_key.p8"

    func run() async throws {
        let pub = try String(contentsOfFile: key.replacingOccurrences(of: ".p8", with: ".pub"), encoding: .utf8)
        let server = try SnowflakeTestServer(identity: .init(publicKeysPEM: [pub]), now: { Date() })
        let rowsPer = 100
        let rows: [[String?]] = (0..<(partitions * rowsPer)).map { i in
            let start = 1_711_929_600 + (i % 8760) * 3600
            return ["\(start).000000000", "\(start + 3600).000000000", "POOL_\(i / 8760)", "0.110000000"]
        }
        server.register("SNOWPARK", result: TestResult(
            columns: [.timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("COMPUTE_POOL_NAME"),
                      .fixed("CREDITS_USED", precision: 38, scale: 9)],
            rows: rows, partitionSizes: Array(repeating: rowsPer, count: partitions)))
        let auth = KeyPairAuthenticator(account: "myorg-myaccount", user: "spcs_cost",
                                        key: try RSASigningKey(contentsOfFile: key, passphrase: nil), now: { Date() })
        var times: [Int: Double] = [:]
        for w in [1, window] {
            server.inject(.delay(milliseconds: latency), on: .partition(nil), times: partitions - 1)
            let client = SQLAPIClient(baseURL: server.baseURL, context: SessionContext(role: "R", warehouse: "W"),
                                      credentials: auth, transport: CurlTransport(), now: { Date() },
                                      options: SQLAPIClientOptions(maxConcurrentPartitions: w))
            let start = ContinuousClock.now
            var count = 0
            _ = try await client.execute(SQLStatement("SELECT * FROM SNOWPARK_CONTAINER_SERVICES_HISTORY")) { count += $0.count }
            times[w] = seconds(since: start)
            precondition(count == partitions * rowsPer, "rows lost")
            print(String(format: "partitions: %d partitions, %d ms each, window %2d: %.2f s", partitions, latency, w, times[w]!))
        }
        let ratio = times[window]! / times[1]!
        print(String(format: "partitions: window %d takes %.2f of the sequential time (target <= 0.25): %@", window, ratio,
                     ratio <= 0.25 ? "met" : "NOT met"))
    }
}

/// Account concurrency (issue target: 10 accounts whose every request takes 1 s in at most 1.5 × the slowest single
/// account's pull): `accounts` loopback test servers, one per account, each answering every request after `latency`
/// ms; one account pulled alone, then all of them with `--max-accounts`, into a temporary cache.
struct AccountsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "Pull many accounts over loopback, one alone and all at once.")

    @Option(help: "Accounts (one test server each).") var accounts = 10
    @Option(help: "Milliseconds each request waits before the server answers.") var latency = 1000
    @Option(help: "Accounts in flight at once.") var maxAccounts = 10
    @Option(help: "The test key pair (PKCS#8 private key; its .pub beside it).")
    var key = "Tests/SnowflakeSQLAPITests/Resources/test_rsa_key.p8"

    func run() async throws {
        let pub = try String(contentsOfFile: key.replacingOccurrences(of: ".p8", with: ".pub"), encoding: .utf8)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spcs-cost-bench-accounts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let keyCopy = dir + "/rsa_key.p8"
        try FileManager.default.copyItem(atPath: key, toPath: keyCopy)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyCopy)
        var servers: [SnowflakeTestServer] = []
        var toml = ""
        for a in 0..<accounts {
            let name = String(format: "acct_%02d", a)
            let server = try SnowflakeTestServer(identity: .init(accounts: ["MYORG-\(name.uppercased())"], publicKeysPEM: [pub]),
                                                 now: { Date() })
            let rows: [[String?]] = (0..<240).map { h in
                let start = 1_711_929_600 + h * 3600
                return ["\(start).000000000", "\(start + 3600).000000000", "POOL_\(h % 2)", "0.110000000"]
            }
            server.register("SNOWPARK_CONTAINER_SERVICES_HISTORY", result: TestResult(
                columns: [.timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("COMPUTE_POOL_NAME"),
                          .fixed("CREDITS_USED", precision: 38, scale: 9)], rows: rows))
            server.register("COMPUTE_POOLS", result: TestResult(columns: [.text("NAME"), .fixed("ID")], rows: []))
            server.register("METERING_DAILY_HISTORY", result: TestResult(
                columns: [.date("USAGE_DATE"), .fixed("CREDITS_USED_COMPUTE", scale: 9),
                          .fixed("CREDITS_USED_CLOUD_SERVICES", scale: 9), .fixed("CREDITS_USED", scale: 9),
                          .fixed("CREDITS_ADJUSTMENT_CLOUD_SERVICES", scale: 9), .fixed("CREDITS_BILLED", scale: 9)], rows: []))
            server.register("RATE_SHEET_DAILY", result: TestResult(
                columns: [.date("DATE"), .text("CURRENCY"), .fixed("EFFECTIVE_RATE", scale: 2), .text("SERVICE_TYPE")], rows: []))
            server.register("USAGE_IN_CURRENCY_DAILY", result: .usageInCurrencyDaily([]))
            servers.append(server)
            toml += """
                [\(name)]
                account = "myorg-\(name)"
                user = "spcs_cost"
                private_key_file = "\(keyCopy)"
                host = "127.0.0.1"
                port = \(server.port)
                protocol = "http"

                """
        }
        try Data(toml.utf8).write(to: URL(fileURLWithPath: dir + "/connections.toml"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + "/connections.toml")
        let env = Environment(now: { Date() }, variables: ["SNOWFLAKE_HOME": dir], homeDirectory: dir,
                              currentDirectory: dir, catalog: try BundledCatalog.load())
        let service = PullService(env: env, transport: CurlTransport(), clientOptions: SQLAPIClientOptions())
        var options = PullOptions()
        options.since = CivilDate("2024-04-01")
        let names = (0..<accounts).map { String(format: "acct_%02d", $0) }
        func delayAll() { for s in servers { s.inject(.delay(milliseconds: latency), on: .any, times: 1_000) } }

        // Every request of every server waits `latency` (one rule per server; a second rule would add its delay).
        delayAll()
        // Statements of one account: one after another, then at once (the default bound).
        var sequentialOptions = options
        sequentialOptions.connectionName = names[0]
        sequentialOptions.maxConcurrentStatements = 1
        let sequentialStart = ContinuousClock.now
        _ = try await service.pull(sequentialOptions, into: try UsageCache(.path(dir + "/statements-1.sqlite")))
        let sequential = seconds(since: sequentialStart)
        var overlapping = sequentialOptions
        overlapping.maxConcurrentStatements = PullOptions.defaultMaxConcurrentStatements
        let overlappingStart = ContinuousClock.now
        _ = try await service.pull(overlapping, into: try UsageCache(.path(dir + "/statements-n.sqlite")))
        let overlapped = seconds(since: overlappingStart)
        print(String(format: "statements: one account, every request %d ms: one at a time %.2f s, %d at once %.2f s (%.2f ×)",
                     latency, sequential, PullOptions.defaultMaxConcurrentStatements, overlapped, overlapped / sequential))

        var single = 0.0
        for name in names.prefix(1) {
            var one = options
            one.connectionName = name
            let start = ContinuousClock.now
            _ = try await service.pull(one, into: try UsageCache(.path(dir + "/single.sqlite")))
            single = max(single, seconds(since: start))
        }
        print(String(format: "accounts: one account alone, every request %d ms: %.2f s", latency, single))
        let start = ContinuousClock.now
        let results = await AccountsPull(service: service).pull(
            connections: names, options: options, maxAccounts: maxAccounts, into: try UsageCache(.path(dir + "/all.sqlite")))
        let all = seconds(since: start)
        precondition(results.allSatisfy { $0.summary?.inserted == 240 }, "an account failed: \(results.compactMap(\.failure))")
        let ratio = all / single
        print(String(format: "accounts: %d accounts, --max-accounts %d: %.2f s = %.2f × one account (target <= 1.5): %@",
                     accounts, maxAccounts, all, ratio, ratio <= 1.5 ? "met" : "NOT met"))
    }
}

/// Writes a document whose per-day table has `--rows` rows, made on demand (a ``RowSource``), in `--format` into
/// `--out`, and prints the peak resident memory: the streaming test (Tests/SPCSCostReportsTests) runs it with a few
/// and with a million rows and checks that memory does not grow with the rows.
struct StreamTableBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stream-table",
                                                    abstract: "Write an N-row per-day table; print the peak memory.")

    @Option(help: "Rows of the per-day table.") var rows: Int
    @Option(help: "Comma-separated formats.") var format = "csv,json"
    @Option(help: "Folder for the files.") var out: String

    func run() async throws {
        let jpy = Currency(code: "JPY")!
        let first = CivilDate("2024-01-01")!
        let source = RowSource { body in
            for i in 0..<rows {
                let nano = Int64(i % 86_400) * 1_273 + 110_000_000
                let credits = NanoCredits(nano).credits
                body(Table.Row([.date(first.adding(days: i / 1000)), .text("POOL_\(i % 1000)"), .flag(i % 97 == 0),
                                .number(credits), .money(Money(credits * Decimal(string: "427.5")!, jpy))]))
            }
        }
        let table = Table(id: "days", title: "Per day", columns: [
            .init(key: "date", label: "Date", kind: .date), .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "provisional", label: "Provisional", kind: .flag),
            .init(key: "metered_credits", label: "Metered credits", kind: .credits),
            .init(key: "metered_cost_JPY", label: "Metered cost (JPY)", kind: .money(jpy))], source: source)
        let stamp = DocumentStamp(currency: jpy, toolVersion: "bench", commandLine: "spcs-cost-bench stream-table",
                                  lines: [.init(key: "tool", label: "Tool", text: "spcs-cost-bench")])
        let document = Document(kind: "report", fileBase: "stream", title: "Streaming check", stamp: stamp,
                                currency: jpy, sections: [.init(id: "days", title: "Per day", blocks: [.table(table)])])
        let start = ContinuousClock.now
        let output = FolderOutput(folder: out, shownAs: out)
        for name in format.split(separator: ",") {
            guard let writer = DocumentWriters.writer(String(name)) else { throw ValidationError("unknown format \(name)") }
            try writer.write(document, to: output)
        }
        print(String(format: "rows %d: written in %.2f s; peak memory %.1f MB", rows, seconds(since: start),
                     peakMegabytes() ?? -1))
    }
}
