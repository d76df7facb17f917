import Foundation

/// One billed quantity of an estimate or a re-pricing: what is billed, how much, and at what credit rate.
///
/// A line names where its rate comes from and never carries a price in money; pricing applies a ``CreditPrice`` to
/// the sum of credits.
public struct CostLine: Sendable, Hashable {
    /// The unit a line's quantity is measured in.
    public enum Unit: String, Sendable, Codable {
        /// Node-hours of a compute pool: one node billed for one hour (IDLE, ACTIVE, STOPPING or RESIZING).
        case nodeHours = "node-hours"
        /// Hours of a running virtual warehouse (a task on a named warehouse).
        case warehouseHours = "warehouse-hours"
        /// Serverless compute-hours (a serverless task), already multiplied by the serverless multiplier.
        case computeHours = "compute-hours"
    }

    /// Short label, for example `Scheduled hours`, `Auto-suspend tail`, `Task RESUME_POOL`.
    public var item: String
    /// The arithmetic behind `quantity`, in words and numbers (`1 node × 10 h × 20 days`).
    public var detail: String
    /// Billed quantity in `unit`; exact.
    public var quantity: Decimal
    /// Unit of `quantity`.
    public var unit: Unit
    /// Credits per one `unit` (credits per node-hour for pools).
    public var creditsPerUnit: Decimal
    /// Where `creditsPerUnit` comes from (rate card id and family, an override, a warehouse size table).
    public var rateSource: String

    /// Creates a line.
    public init(item: String, detail: String, quantity: Decimal, unit: Unit, creditsPerUnit: Decimal,
                rateSource: String) {
        self.item = item
        self.detail = detail
        self.quantity = quantity
        self.unit = unit
        self.creditsPerUnit = creditsPerUnit
        self.rateSource = rateSource
    }

    /// `quantity × creditsPerUnit`, exact.
    public var credits: Decimal { quantity * creditsPerUnit }
}

/// The price of one credit, in the currency the price is set in (USD for Snowflake's on-demand table, the
/// contract currency for a contract), with where it comes from.
public struct CreditPrice: Sendable, Hashable {
    /// The edition this price is for; nil for a price that is not tied to an edition (a contract or an override).
    public var edition: Edition?
    /// Price of one credit.
    public var price: Money
    /// Where the price comes from (table and region, `--credit-price`, the contract).
    public var source: String
    /// True when the user overrode the tables (`--credit-price`).
    public var isOverride: Bool

    /// Creates a price.
    public init(edition: Edition?, price: Money, source: String, isOverride: Bool = false) {
        self.edition = edition
        self.price = price
        self.source = source
        self.isOverride = isOverride
    }

    /// The label of this price in a range: the edition's name, or `Contract`/`Override`.
    public var label: String { edition?.displayName ?? (isOverride ? "Override" : "Contract") }
}

/// The cost of some credits at one credit price, in the price's currency and in the presentation currency.
public struct PricedCost: Sendable, Hashable {
    /// The price applied.
    public var creditPrice: CreditPrice
    /// Credits × price, in the price's currency (exact).
    public var amount: Money
    /// `amount` converted with the run's exchange rate into the presentation currency (exact).
    public var converted: Money

    /// Prices `credits` at `price` and converts with `fx` (whose base must be the price's currency).
    public init(credits: Decimal, price: CreditPrice, fx: ExchangeRate) {
        self.creditPrice = price
        self.amount = Money(credits * price.price.amount, price.price.currency)
        self.converted = amount.converted(with: fx)
    }

    /// A cost summed from ledger charges (each planned day at its own price and FX).
    /// - Parameters:
    ///   - price: the price shown for the cost (the price of the first planned day; the stamp lists every price).
    ///   - amount: the sum of the charges in the price currency, exact.
    ///   - converted: the sum in the presentation currency, exact.
    public init(price: CreditPrice, amount: Money, converted: Money) {
        self.creditPrice = price
        self.amount = amount
        self.converted = converted
    }
}

/// An estimate for one compute pool (or one flag-described plan): its lines, credits and costs.
public struct PoolEstimate: Sendable, Hashable {
    /// The pool's name; nil for a plan described by flags alone.
    public var pool: String?
    /// The pool's instance family.
    public var family: InstanceFamily
    /// Nodes the plan keeps running (MIN_NODES).
    public var nodes: Int
    /// The billed lines, in the order they should be shown.
    public var lines: [CostLine]
    /// The credits at each price, in the order of the prices given.
    public var costs: [PricedCost]

    /// Creates a pool estimate and prices its credits at each of `prices`, converting with `fx`.
    public init(pool: String?, family: InstanceFamily, nodes: Int, lines: [CostLine], prices: [CreditPrice],
                fx: ExchangeRate) {
        self.pool = pool
        self.family = family
        self.nodes = nodes
        self.lines = lines
        let credits = lines.reduce(Decimal(0)) { $0 + $1.credits }
        self.costs = prices.map { PricedCost(credits: credits, price: $0, fx: fx) }
    }

    /// Creates a pool estimate with costs already priced (through the ledger, day by day).
    public init(pool: String?, family: InstanceFamily, nodes: Int, lines: [CostLine], costs: [PricedCost]) {
        self.pool = pool
        self.family = family
        self.nodes = nodes
        self.lines = lines
        self.costs = costs
    }

    /// Total credits of all lines, exact.
    public var credits: Decimal { lines.reduce(0) { $0 + $1.credits } }

    /// Total node-hours of the pool's node-hour lines, exact.
    public var nodeHours: Decimal {
        lines.filter { $0.unit == .nodeHours }.reduce(0) { $0 + $1.quantity }
    }
}

/// What a schedule saves against running the same pool always on: both estimates and the difference.
public struct Savings: Sendable, Hashable {
    /// The plan (the schedule).
    public var plan: PoolEstimate
    /// The same pool billed 24 hours a day over the comparison period.
    public var alwaysOn: PoolEstimate
    /// Number of days in the comparison period.
    public var periodDays: Int

    /// Creates a comparison. Both estimates must be priced at the same prices, in the same order.
    public init(plan: PoolEstimate, alwaysOn: PoolEstimate, periodDays: Int) {
        precondition(plan.costs.map(\.creditPrice) == alwaysOn.costs.map(\.creditPrice), "prices differ")
        self.plan = plan
        self.alwaysOn = alwaysOn
        self.periodDays = periodDays
    }

    /// Credits saved: always-on minus plan, exact (negative when the plan costs more).
    public var savedCredits: Decimal { alwaysOn.credits - plan.credits }

    /// The saving at each price: always-on minus plan, in the price currency and converted.
    public var savedCosts: [(price: CreditPrice, amount: Money, converted: Money)] {
        zip(alwaysOn.costs, plan.costs).map { a, p in
            (a.creditPrice, a.amount - p.amount, a.converted - p.converted)
        }
    }
}
