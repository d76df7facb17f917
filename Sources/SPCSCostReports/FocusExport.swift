import Foundation
import SPCSCostCore

/// Whether a FOCUS file holds what the cache metered or what a plan would cost (column `x_CostKind`).
public enum FocusCostKind: String, Sendable, Hashable, CaseIterable {
    /// Hourly rows of SNOWPARK_CONTAINER_SERVICES_HISTORY, priced.
    case metered
    /// The same pools priced under a plan (always on, or business hours).
    case estimate
}

/// One FOCUS charge: one compute pool over one charge period (an hour), in credits, priced.
///
/// Amounts are exact here; ``FocusExport`` rounds each cost once when it writes the file.
public struct FocusCharge: Sendable, Hashable {
    /// ChargePeriodStart/End: the half-open UTC interval `[start, end)` the credits were used in.
    public var chargePeriod: DateInterval
    /// The compute pool's name (ResourceId and ResourceName).
    public var pool: String
    /// COMPUTE_POOL_ID when the usage view gave it (`x_ComputePoolId`); nil otherwise.
    public var poolID: Int64?
    /// Credits used (ConsumedQuantity and PricingQuantity), exact.
    public var credits: Decimal
    /// The price billed for a credit on the charge's UTC day (rate sheet, contract or list), in its own currency.
    public var price: CreditPriceSchedule.DayPrice
    /// Converts `price` into the billing currency for the charge's day.
    public var priceFX: ExchangeRate
    /// The list price of a credit on the charge's day, in its own currency.
    public var listPrice: CreditPriceSchedule.DayPrice
    /// Converts `listPrice` into the billing currency for the charge's day.
    public var listFX: ExchangeRate
    /// The pool's instance family; nil when not given (`--family`/`--pool`), since the usage view has none.
    public var family: InstanceFamily?
    /// Credits per node-hour of `family` on `rateCard`; nil when the family is not known.
    public var creditsPerNodeHour: Decimal?
    /// The rate card `creditsPerNodeHour` comes from; nil when the family is not known.
    public var rateCard: String?
    /// Nodes the plan keeps running (estimates only); nil for metered rows.
    public var nodes: Int?
    /// Node-hours the plan bills in the charge period (estimates only); nil for metered rows.
    public var nodeHours: Decimal?
    /// The plan, in words (`always on`, `10:00-19:00 MON-FRI Asia/Tokyo`); nil for metered rows.
    public var schedule: String?

    /// Creates a charge; `priceFX.base` must be the price's currency and `listFX.base` the list price's.
    public init(chargePeriod: DateInterval, pool: String, poolID: Int64?, credits: Decimal,
                price: CreditPriceSchedule.DayPrice, priceFX: ExchangeRate,
                listPrice: CreditPriceSchedule.DayPrice, listFX: ExchangeRate,
                family: InstanceFamily?, creditsPerNodeHour: Decimal?, rateCard: String?,
                nodes: Int? = nil, nodeHours: Decimal? = nil, schedule: String? = nil) {
        precondition(priceFX.base == price.price.price.currency && listFX.base == listPrice.price.price.currency,
                     "FX must convert from the price's currency")
        precondition(priceFX.quote == listFX.quote, "both prices must convert into one billing currency")
        self.chargePeriod = chargePeriod
        self.pool = pool
        self.poolID = poolID
        self.credits = credits
        self.price = price
        self.priceFX = priceFX
        self.listPrice = listPrice
        self.listFX = listFX
        self.family = family
        self.creditsPerNodeHour = creditsPerNodeHour
        self.rateCard = rateCard
        self.nodes = nodes
        self.nodeHours = nodeHours
        self.schedule = schedule
    }

    /// ContractedUnitPrice: the billed price of one credit in the billing currency, exact.
    public var contractedUnitPrice: Money { price.price.price.converted(with: priceFX) }
    /// ListUnitPrice: the list price of one credit in the billing currency, exact.
    public var listUnitPrice: Money { listPrice.price.price.converted(with: listFX) }
    /// BilledCost = EffectiveCost = ContractedCost: credits × contracted unit price, exact.
    public var billedCost: Money { contractedUnitPrice * credits }
    /// ListCost: credits × list unit price, exact.
    public var listCost: Money { listUnitPrice * credits }
}

/// A FOCUS 1.0 dataset of SPCS compute charges: the data behind one export file.
public struct FocusDataset: Sendable, Hashable {
    /// Metered or estimate.
    public var kind: FocusCostKind
    /// First day of the exported period (inclusive), in `zone`.
    public var from: CivilDate
    /// Last day of the exported period (inclusive), in `zone`.
    public var through: CivilDate
    /// The zone whose calendar days bound the period.
    public var zone: TimeZone
    /// BillingCurrency: the currency every cost and unit price is written in.
    public var billingCurrency: Currency
    /// BillingAccountId (the organization's contract or account as the user names it); never empty.
    public var billingAccountID: String
    /// SubAccountId and SubAccountName: the Snowflake account the usage belongs to; nil when not given.
    public var account: String?
    /// RegionId in Snowflake's spelling (`AWS_AP_NORTHEAST_1`).
    public var regionID: String
    /// RegionName as the credit price table prints it; nil when the table does not list the region.
    public var regionName: String?
    /// The edition whose list price is used (part of SkuPriceId).
    public var edition: Edition
    /// The plan of an estimate in words; nil for metered data.
    public var plan: String?
    /// The charges, sorted by charge period start, then pool.
    public var charges: [FocusCharge]

    /// Creates a dataset; `charges` are sorted here.
    public init(kind: FocusCostKind, from: CivilDate, through: CivilDate, zone: TimeZone, billingCurrency: Currency,
                billingAccountID: String, account: String?, regionID: String, regionName: String?, edition: Edition,
                plan: String?, charges: [FocusCharge]) {
        precondition(!billingAccountID.isEmpty, "FOCUS requires a BillingAccountId")
        self.kind = kind
        self.from = from
        self.through = through
        self.zone = zone
        self.billingCurrency = billingCurrency
        self.billingAccountID = billingAccountID
        self.account = account
        self.regionID = regionID
        self.regionName = regionName
        self.edition = edition
        self.plan = plan
        self.charges = charges.sorted { ($0.chargePeriod.start, $0.pool) < ($1.chargePeriod.start, $1.pool) }
    }

    /// Total credits, exact.
    public var credits: Decimal { charges.reduce(0) { $0 + $1.credits } }

    /// BilledCost of each row and their exact total, rounded the way the file rounds them, with the difference.
    public var billedCostBreakdown: RoundedBreakdown {
        let lines = charges.map(\.billedCost)
        return RoundedBreakdown(lines: lines, exactTotal: lines.reduce(Money.zero(billingCurrency), +))
    }
}

/// Writes a ``FocusDataset`` as a FOCUS 1.0 CSV file (FinOps Open Cost and Usage Specification 1.0).
///
/// - Columns: the 41 columns FOCUS 1.0 requires, plus ChargeFrequency, in alphabetical order, then the `x_`
///   columns of ``extensionColumns``. The resource column is spelled `ResourceId`, as the specification names it.
/// - Rows: one per charge, sorted by ChargePeriodStart, then ResourceId.
/// - Values: timestamps ISO 8601 in UTC (`2024-04-01T01:00:00Z`); BillingPeriodStart/End the UTC calendar month of
///   ChargePeriodStart; quantities in credits with up to 9 decimals; each cost rounded once, half-even, to the
///   billing currency's minor units (``MoneyFormat``); unit prices exact (never rounded); null as an empty cell.
/// - Constant columns: Provider, Publisher and InvoiceIssuer `Snowflake`; ServiceName `Snowpark Container
///   Services`; ServiceCategory `Compute`; ChargeCategory `Usage`; ChargeFrequency `Usage-Based`;
///   PricingCategory `Standard` (contract prices are negotiated rates, not commitment discounts); ConsumedUnit and
///   PricingUnit `Credits`; ResourceType `Compute Pool`; SkuId `SNOWPARK_CONTAINER_SERVICES` (RATE_SHEET_DAILY's
///   SERVICE_TYPE); SkuPriceId `SNOWPARK_CONTAINER_SERVICES/<REGION>/<EDITION>`, the row of the on-demand table
///   that sets the list price. Commitment-discount columns, ChargeClass and Tags are null.
/// - BilledCost = EffectiveCost = ContractedCost = ConsumedQuantity × ContractedUnitPrice (no amortised
///   commitments); ListCost = ConsumedQuantity × ListUnitPrice.
public enum FocusExport {
    /// The FOCUS 1.0 columns written, in order (the 41 required ones and ChargeFrequency).
    public static let focusColumns = [
        "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
        "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
        "ChargePeriodEnd", "ChargePeriodStart", "CommitmentDiscountCategory", "CommitmentDiscountId",
        "CommitmentDiscountName", "CommitmentDiscountStatus", "CommitmentDiscountType", "ConsumedQuantity",
        "ConsumedUnit", "ContractedCost", "ContractedUnitPrice", "EffectiveCost", "InvoiceIssuer", "ListCost",
        "ListUnitPrice", "PricingCategory", "PricingQuantity", "PricingUnit", "Provider", "Publisher", "RegionId",
        "RegionName", "ResourceId", "ResourceName", "ResourceType", "ServiceCategory", "ServiceName", "SkuId",
        "SkuPriceId", "SubAccountId", "SubAccountName", "Tags",
    ]

    /// spcs-cost's own columns, after the FOCUS ones:
    /// - `x_CostKind`: `metered` or `estimate`;
    /// - `x_ComputePoolId`: COMPUTE_POOL_ID when known;
    /// - `x_InstanceFamily`, `x_CreditsPerNodeHour`, `x_RateCard`: the pool's family and its rate, when known;
    /// - `x_Nodes`, `x_NodeHours`, `x_Schedule`: the plan of an estimate (empty for metered rows);
    /// - `x_PriceBasis` (`rate-sheet`, `rate-sheet-carried-forward`, `contract`, `list`), `x_PriceSource`,
    ///   `x_PriceEffectiveDate`, `x_PriceCurrency`, `x_PricePerCredit`: the billed price in its own currency;
    /// - `x_FXRate`, `x_FXSource`: the conversion of that price into BillingCurrency;
    /// - `x_ListPriceSource`, `x_ListPriceCurrency`, `x_ListPricePerCredit`, `x_ListFXRate`: the same for the list price.
    public static let extensionColumns = [
        "x_CostKind", "x_ComputePoolId", "x_InstanceFamily", "x_CreditsPerNodeHour", "x_RateCard", "x_Nodes",
        "x_NodeHours", "x_Schedule", "x_PriceBasis", "x_PriceSource", "x_PriceEffectiveDate", "x_PriceCurrency",
        "x_PricePerCredit", "x_FXRate", "x_FXSource", "x_ListPriceSource", "x_ListPriceCurrency",
        "x_ListPricePerCredit", "x_ListFXRate",
    ]

    /// The SkuId of every row: SPCS compute, as RATE_SHEET_DAILY names the service.
    public static let skuID = RateSheet.spcsServiceType

    /// `spcs-cost-focus_2024-04-01_2024-04-30_metered.csv`.
    public static func fileName(_ d: FocusDataset) -> String {
        "spcs-cost-focus_\(d.from)_\(d.through)_\(d.kind.rawValue).csv"
    }

    /// The RFC 4180 CSV text of `d` (header row first, CRLF line ends).
    public static func csv(_ d: FocusDataset) -> String {
        var table = TextTable(header: focusColumns + extensionColumns)
        table.rows = d.charges.map { row($0, in: d) }
        return table.csv()
    }

    /// The cells of one charge, in column order.
    static func row(_ c: FocusCharge, in d: FocusDataset) -> [String] {
        let billed = MoneyFormat.plain(c.billedCost)
        let credits = QuantityFormat.quantity(c.credits)
        let month = CivilDate.of(c.chargePeriod.start, in: utc).firstOfMonth
        let focus: [String] = [
            billed, d.billingAccountID, "", d.billingCurrency.code,
            timestamp(month.adding(days: month.daysInMonth).startInstant(in: utc)), timestamp(month.startInstant(in: utc)),
            "Usage", "", description(c, in: d), "Usage-Based",
            timestamp(c.chargePeriod.end), timestamp(c.chargePeriod.start),
            "", "", "", "", "", credits,
            "Credits", billed, MoneyFormat.price(c.contractedUnitPrice), billed, "Snowflake",
            MoneyFormat.plain(c.listCost),
            MoneyFormat.price(c.listUnitPrice), "Standard", credits, "Credits", "Snowflake", "Snowflake", d.regionID,
            d.regionName ?? "", c.pool, c.pool, "Compute Pool", "Compute", "Snowpark Container Services", skuID,
            "\(skuID)/\(d.regionID)/\(d.edition.rawValue.uppercased().replacingOccurrences(of: "-", with: "_"))",
            d.account ?? "", d.account ?? "", "",
        ]
        let x: [String] = [
            d.kind.rawValue, c.poolID.map(String.init) ?? "", c.family?.name ?? "",
            c.creditsPerNodeHour.map(QuantityFormat.exact) ?? "", c.rateCard ?? "", c.nodes.map(String.init) ?? "",
            c.nodeHours.map(QuantityFormat.quantity) ?? "", c.schedule ?? "", basis(c.price.basis),
            c.price.price.source, c.price.effectiveDate?.description ?? "", c.price.price.price.currency.code,
            MoneyFormat.price(c.price.price.price), QuantityFormat.exact(c.priceFX.rate), c.priceFX.source,
            c.listPrice.price.source, c.listPrice.price.price.currency.code, MoneyFormat.price(c.listPrice.price.price),
            QuantityFormat.exact(c.listFX.rate),
        ]
        return focus + x
    }

    /// ChargeDescription: what the row is and how it is priced, in one sentence.
    static func description(_ c: FocusCharge, in d: FocusDataset) -> String {
        let shape = c.family.map { " (\($0)\(c.nodes.map { " × \($0) node\($0 == 1 ? "" : "s")" } ?? ""))" } ?? ""
        let what = switch d.kind {
        case .metered: "metered credits"
        case .estimate: "estimated credits, \(c.schedule ?? "plan")"
        }
        return "SPCS compute pool \(c.pool)\(shape): \(what) at \(MoneyFormat.price(c.price.price.price)) "
            + "\(c.price.price.price.currency.code) per credit"
    }

    /// `x_PriceBasis` text.
    static func basis(_ b: CreditPriceSchedule.Basis) -> String {
        switch b {
        case .override: "override"
        case .rateSheet: "rate-sheet"
        case .rateSheetCarriedForward: "rate-sheet-carried-forward"
        case .rateSheetCarriedBack: "rate-sheet-carried-back"
        case .contract: "contract"
        case .contractOverage: "contract-overage"
        case .onDemand: "list"
        }
    }

    /// `2024-04-01T01:00:00Z` (whole seconds, UTC).
    static func timestamp(_ instant: Date) -> String { LocalDateTime.of(instant, in: utc).description + "Z" }

    static let utc = TimeZone(identifier: "UTC")!
}
