import Foundation

/// Everything an estimate run produced, for rendering: the prices chosen (with their sources), the pools' lines and
/// costs, the savings against always-on when asked, and the warnings the reader must see.
public struct EstimateResult: Sendable {
    /// The date that chose the rate card and price table.
    public var asOf: CivilDate
    /// The rate card used; nil when `--credits-per-hour` overrode it.
    public var rateCard: RateCard?
    /// The credit price table used; nil when `--credit-price` overrode it.
    public var priceTable: CreditPriceTable?
    /// The region whose prices were used; nil when overridden.
    public var region: CreditPriceTable.RegionPrices?
    /// Conversion from the price currency to the presentation currency.
    public var fx: ExchangeRate
    /// One estimate per pool (one for a flag-described plan).
    public var pools: [PoolEstimate]
    /// Savings against always-on, one per pool, when `--compare-always-on` was given; empty otherwise.
    public var savings: [Savings]
    /// Notes the reader must see (rate card outside its documented period, overrides, ...).
    public var warnings: [String]
    /// For plans built from schedules (`--pools`, `--from-sql`): the billed quantities of each pool, parallel to
    /// ``pools``; empty for a plan given by flags.
    public var breakdowns: [PlanBreakdown] = []
    /// Lines to show before the estimate: what was read from the input (the pools and schedules derived from
    /// setup SQL, statements not used); empty for flags.
    public var preamble: [String] = []
    /// The credit prices and FX the planned days were priced at, per edition and run of UTC days (the ledger's
    /// ``DayRates/priceRuns``); empty for a result built without the ledger.
    public var priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)] = []
    /// Planned block storage volumes and snapshots (pools file `block_storage`, `snapshots`), one per pool and part,
    /// priced in currency by the ledger (``PlannedStorage``); empty when no pool plans any.
    public var storage: [StorageEstimate] = []

    /// Creates a result.
    public init(asOf: CivilDate, rateCard: RateCard?, priceTable: CreditPriceTable?,
                region: CreditPriceTable.RegionPrices?, fx: ExchangeRate, pools: [PoolEstimate],
                savings: [Savings], warnings: [String]) {
        self.asOf = asOf
        self.rateCard = rateCard
        self.priceTable = priceTable
        self.region = region
        self.fx = fx
        self.pools = pools
        self.savings = savings
        self.warnings = warnings
    }
}

/// One planned part billed in currency (block storage volumes, their IOPS or throughput above the defaults, or
/// snapshots) of one pool over the estimate's period.
public struct StorageEstimate: Sendable {
    /// The pool.
    public var pool: String
    /// ``ChargeKind/blockStorage``, ``ChargeKind/blockStorageIOPS``, ``ChargeKind/blockStorageThroughput`` or
    /// ``ChargeKind/snapshot``.
    public var kind: ChargeKind
    /// What is kept: GiB (count × size) of volumes or snapshots; IOPS or MiB/s above the defaults (volumes × each
    /// volume's) for those kinds.
    public var gib: Decimal
    /// `gib` × days over the period (GiB-days, IOPS-days, MiB/s-days).
    public var gibDays: Decimal
    /// Cost over the period in the presentation currency (the sum of `rows`, exact).
    public var amount: Money
    /// The first day's price and its source (unit price table, region, item, price per TB-month over the month's days).
    public var priceSource: String
    /// The ledger rows, one per UTC day.
    public var rows: [LedgerRow]

    /// Creates a part.
    public init(pool: String, kind: ChargeKind, gib: Decimal, gibDays: Decimal, amount: Money, priceSource: String,
                rows: [LedgerRow]) {
        self.pool = pool
        self.kind = kind
        self.gib = gib
        self.gibDays = gibDays
        self.amount = amount
        self.priceSource = priceSource
        self.rows = rows
    }
}
