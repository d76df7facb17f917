import Foundation
import SnowflakeSQLAPI
import SPCSCostCore
import SPCSCostSetupSQL
import SPCSCostKit
import SPCSCostStore
import SPCSCostTOML

/// The inputs spcs-cost reads from people and from Snowflake, each as a fuzz target: bytes in, the same code the
/// commands run, errors ignored. A target fails only by crashing, hanging or exhausting memory, which is what
/// libFuzzer (`Fuzz/run.sh`) looks for; the replay test (`Tests/SPCSCostFuzzingTests`) runs every committed input
/// of `Fixtures/fuzz-regressions/<target>/` through the same function.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `SCHEDULE` text: `TaskSchedule(parsing:)`, then `schedule explain` of April 2024 (cron and interval).
    case cron
    /// A Snowsight CSV export: parse, import into an in-memory cache, and the report's daily sums of its first 31
    /// days.
    case csv
    /// Any TOML document through the TOML reader.
    case toml
    /// A pools file: parse, then estimate every pool for April 2024 with the bundled catalog.
    case pools
    /// A setup SQL script: analyse it, derive pool plans as `estimate --from-sql` does, and estimate them.
    case setupSQL = "setup-sql"
    /// A SQL API v2 response body: decode it as a first response and as a later partition of the history view, map
    /// the rows as a pull does and load them into an in-memory cache.
    case resultBody = "result-body"
    /// An FX rates CSV and a RATE_SHEET_DAILY CSV.
    case fx

    /// The committed seed inputs for this target, relative to the repository root (fixtures of the same kind).
    public var seedFolders: [String] {
        switch self {
        case .cron: ["Fixtures/fuzz-seeds/cron"]
        case .csv: ["Fixtures/snowsight", "Fixtures/emulator-sample"]
        case .toml: ["Fixtures/pools"]
        case .pools: ["Fixtures/pools"]
        case .setupSQL: ["Fixtures/setup-sql"]
        case .resultBody: ["Fixtures/fuzz-seeds/result-body"]
        case .fx: ["Fixtures/fx", "Fixtures/rate-sheet"]
        }
    }

    /// Runs one input. Never throws: every error the input causes is the expected outcome.
    public func run(_ data: Data) {
        switch self {
        case .cron: Self.cron(data)
        case .csv: Self.csv(data)
        case .toml: _ = try? TOMLTable(string: String(decoding: data, as: UTF8.self))
        case .pools: Self.pools(data)
        case .setupSQL: Self.setupSQL(data)
        case .resultBody: Self.resultBody(data)
        case .fx:
            _ = try? FXFile.parse(data, file: "fuzz.csv")
            _ = try? RateSheetFile.parse(data, file: "fuzz.csv")
        }
    }

    private static let april2024 = CivilDate(year: 2024, month: 4, day: 1)!
    private static let catalog: PriceCatalog? = try? BundledCatalog.load()

    private static func cron(_ data: Data) {
        guard let schedule = try? TaskSchedule(parsing: String(decoding: data, as: UTF8.self)) else { return }
        _ = try? ScheduleExplain(schedule: schedule, from: april2024, to: april2024.adding(days: 30),
                                 intervalAnchor: april2024.startInstant(in: TimeZone(identifier: "UTC")!))
    }

    private static func csv(_ data: Data) {
        guard let parsed = try? SnowsightCSV.parse(data, file: "fuzz.csv", wallTimeZone: TimeZone(identifier: "UTC")),
              let first = parsed.records.map(\.startTime).min() else { return }
        load(parsed.records, from: first)
    }

    /// Imports `records` into an in-memory cache and sums 31 days from `from` per pool and day, as `report` does.
    private static func load(_ records: [UsageRecord], from: Date) {
        guard let cache = try? UsageCache(.memory),
              (try? cache.load(records, as: .init(kind: "fuzz", source: "fuzz", checksum: "", loadedAt: from))) != nil
        else { return }
        let zone = TimeZone(identifier: "UTC")!
        let end = from.addingTimeInterval(31 * 86_400)
        guard let read = try? cache.meteredParts(from: from, to: end,
                                                 segments: OffsetSegment.segments(of: zone, from: from, to: end))
        else { return }
        let day = CivilDate.of(from, in: zone)
        guard let schedule = try? CreditPriceSchedule(
            rateSheet: nil, account: nil, contract: nil,
            list: .init(price: CreditPrice(edition: nil, price: Money(3, .usd), source: "fuzz"), effectiveFrom: nil))
        else { return }
        let pricing = Pricing(currency: .usd, schedule: schedule, fx: .none)
        guard var rates = try? pricing.rates(for: day.adding(days: -1)...day.adding(days: 31)) else { return }
        let setups = Set(read.parts.map(\.pool)).sorted().map {
            ReportPoolSetup(pool: $0, shape: PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1), shapeSource: "fuzz",
                            creditsPerNodeHour: Decimal(string: "0.06")!, rateSource: "fuzz", lifetime: .unbounded,
                            planned: false)
        }
        _ = try? SavingsReport.build(
            metered: read.parts, from: day, through: day.adding(days: 30), zone: zone, currency: .usd, pools: setups,
            estimates: [:], plan: nil, rateCardID: nil, rates: &rates, warnings: [])
    }

    private static func pools(_ data: Data) {
        guard let file = try? PoolsFile.parse(String(decoding: data, as: UTF8.self), file: "fuzz.toml") else { return }
        estimate(file.pools.map {
            PlanEntry(plan: $0.plan, region: $0.region, editions: $0.editions, creditPrice: $0.creditPrice,
                      rateCardID: $0.rateCardID)
        })
    }

    private static func setupSQL(_ data: Data) {
        let analysis = SetupScript.analyze(String(decoding: data, as: UTF8.self))
        guard let derived = try? SetupPlans.plans(from: analysis, file: "fuzz.sql") else { return }
        _ = SetupPlans.describe(analysis, plans: derived.plans, file: "fuzz.sql")
        estimate(derived.plans.map { PlanEntry(plan: $0) })
    }

    private static func estimate(_ entries: [PlanEntry]) {
        guard let catalog, !entries.isEmpty else { return }
        var options = PlanEstimateOptions(period: .month(year: 2024, month: 4))
        options.compareAlwaysOn = true
        options.fx = [.usd: 150]
        options.currency = .jpy
        _ = try? EstimateService(catalog: catalog).estimate(plans: entries, options: options, today: april2024)
    }

    private static func resultBody(_ data: Data) {
        if let first = try? JSONv2.decodeFirstResponse(data) {
            mapAndLoad(first.partition)
        }
        if let later = try? JSONv2.decodePartition(data, columns: historyColumns, partitionIndex: 1) {
            mapAndLoad(later)
        }
    }

    private static func mapAndLoad(_ partition: ResultPartition) {
        // The other views a pull reads, mapped as it maps them.
        let pools = (try? PullService.poolRecords([partition])) ?? []
        let days = (try? PullService.meteringRecords([partition])) ?? []
        let sheet = (try? PullService.rateSheetRows([partition])) ?? []
        let billed = (try? PullService.usageInCurrencyRows([partition])) ?? []
        if !pools.isEmpty || !days.isEmpty || !sheet.isEmpty || !billed.isEmpty, let cache = try? UsageCache(.memory) {
            _ = try? cache.load(.init(kind: "fuzz", source: "fuzz", checksum: "", loadedAt: Date(timeIntervalSince1970: 0))) { writer in
                for p in pools { try writer.upsert(p) }
                for d in days { try writer.upsert(d) }
                for r in sheet { try writer.upsert(r) }
                for b in billed { try writer.upsert(b) }
                // Twice, as a second pull restates them.
                for r in sheet { try writer.upsert(r) }
                for b in billed { try writer.upsert(b) }
            }
            _ = try? cache.computePools()
            _ = try? cache.rateSheet()
            _ = try? cache.usageInCurrency()
            _ = try? cache.restatedDays()
        }
        guard let records = try? PullService.usageRecords([partition]),
              let first = records.map(\.startTime).min() else { return }
        load(records, from: first)
    }

    /// SNOWPARK_CONTAINER_SERVICES_HISTORY's columns as the SQL API describes them.
    static let historyColumns = [
        Column(name: "START_TIME", type: .timestampLTZ, scale: 9),
        Column(name: "END_TIME", type: .timestampLTZ, scale: 9),
        Column(name: "CREDITS_USED", type: .fixed, precision: 38, scale: 9),
        Column(name: "COMPUTE_POOL_ID", type: .fixed, precision: 38, scale: 0),
        Column(name: "COMPUTE_POOL_NAME", type: .text),
        Column(name: "IS_EXCLUSIVE", type: .boolean),
        Column(name: "APPLICATION_NAME", type: .text),
        Column(name: "APPLICATION_ID", type: .text),
    ]
}
