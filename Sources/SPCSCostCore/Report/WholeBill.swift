import Foundation

/// The whole SPCS bill of a report: compute (credits), the credits of the tasks that suspend and resume the pools
/// (task warehouses and serverless tasks), and the parts Snowflake bills in currency (block storage, snapshots, data
/// transfer, less the daily transfer adjustment), each a sum of priced ledger rows.
public struct WholeBill: Sendable {
    /// One line of the summary.
    public struct Line: Sendable, Hashable {
        /// Machine key: `compute`, a ``ChargeKind`` raw value, or `total`.
        public var key: String
        /// The line in words.
        public var label: String
        /// The quantity summed, in `unit`; nil for the total.
        public var quantity: Decimal?
        /// The quantity's unit (`credits` for compute and the tasks, `tb_days`, `thousand_iops_days`, `gbps_days`, `tb`, `currency`); empty for
        /// the total.
        public var unit: String
        /// GiB-days (storage and snapshot lines: TB-days × bytes per TB ÷ 2^30); nil for other lines.
        public var gibDays: Decimal?
        /// The exact amount in the presentation currency.
        public var amount: Money
    }

    /// Metered compute over the report's period (the report's metered total).
    public var compute: ChargeSum
    /// The ledger rows of every part but compute: the tasks' credits (``TaskCosts/rows``, over the report's
    /// period, like compute) and the parts priced in currency (``CurrencyBilledParts``, over `days`); sorted by UTC
    /// day, then charge kind.
    public var rows: [LedgerRow]
    /// The UTC days the parts priced in currency cover: the UTC days wholly inside the report's period; nil when the
    /// period holds no whole UTC day (only the tasks' credits are then added to compute).
    public var days: ClosedRange<CivilDate>?
    /// Bytes per TB of the unit price table (to show GiB-days).
    public var bytesPerTB: Decimal
    /// What a reader must know (parts not priced, Google Cloud transfer not billed).
    public var notes: [String]

    /// Creates a whole bill of `rows` (parts priced in currency) and `tasks` (the tasks' credits, ``TaskCosts/rows``),
    /// merged by UTC day and charge kind.
    public init(compute: ChargeSum, rows: [LedgerRow], tasks: [LedgerRow] = [], days: ClosedRange<CivilDate>?,
                bytesPerTB: Decimal, notes: [String]) {
        self.compute = compute
        let order = Dictionary(uniqueKeysWithValues: ChargeKind.allCases.enumerated().map { ($1, $0) })
        // A stable merge: each input keeps its own order within a day and kind.
        self.rows = (tasks.enumerated().map { (0, $0.offset, $0.element) } + rows.enumerated().map { (1, $0.offset, $0.element) })
            .sorted { ($0.2.periodStart, order[$0.2.kind]!, $0.0, $0.1) < ($1.2.periodStart, order[$1.2.kind]!, $1.0, $1.1) }
            .map(\.2)
        self.days = days
        self.bytesPerTB = bytesPerTB
        self.notes = notes
    }

    /// GiB-days of `tbDays` TB-days.
    public func gibDays(_ tbDays: Decimal) -> Decimal { tbDays * bytesPerTB / CurrencyBilledParts.bytesPerGiB }

    /// The lines in a fixed order: compute, task warehouses, serverless tasks, block storage volumes, IOPS,
    /// throughput, snapshots, data transfer, the adjustment, total. Every kind has a line, zero when nothing was
    /// billed.
    public var lines: [Line] {
        let currency = compute.amount.currency
        var out = [Line(key: "compute", label: "Compute (credits)", quantity: compute.quantity,
                        unit: QuantityUnit.credits.rawValue, gibDays: nil, amount: compute.amount)]
        let labels: [(ChargeKind, String, QuantityUnit)] = [
            (.taskWarehouse, "Task warehouses (credits of the scheduling tasks)", .credits),
            (.serverlessTask, "Serverless tasks (credits of the scheduling tasks)", .credits),
            (.blockStorage, "Block storage volumes", .terabyteDays),
            (.blockStorageIOPS, "Block storage IOPS above the default", .thousandIOPSDays),
            (.blockStorageThroughput, "Block storage throughput above the default", .gigabytePerSecondDays),
            (.snapshot, "Block storage snapshots", .terabyteDays),
            (.dataTransfer, "SPCS data transfer", .terabytes),
            (.dataTransferAdjustment, "SPCS data transfer adjustment", .currency),
        ]
        var total = compute.amount
        for (kind, label, unit) in labels {
            let mine = rows.filter { $0.kind == kind }
            let quantity = mine.reduce(Decimal(0)) { $0 + $1.charge.quantity }
            let amount = mine.reduce(Money.zero(currency)) { $0 + $1.charge.amount }
            total = total + amount
            out.append(Line(key: kind.rawValue, label: label, quantity: quantity, unit: unit.rawValue,
                            gibDays: unit == .terabyteDays ? gibDays(quantity) : nil, amount: amount))
        }
        out.append(Line(key: "total", label: "Total", quantity: nil, unit: "", gibDays: nil, amount: total))
        return out
    }

    /// The total: compute plus the tasks' credits plus every part priced in currency, exact.
    public var total: Money { lines.last!.amount }
}
