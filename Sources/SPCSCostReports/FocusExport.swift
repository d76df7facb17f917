import Foundation
import SPCSCostCore

/// Whether a FOCUS file holds what the cache metered or what a plan would cost (column `x_CostKind`).
public enum FocusCostKind: String, Sendable, Hashable, CaseIterable {
    /// Hourly rows of SNOWPARK_CONTAINER_SERVICES_HISTORY, priced.
    case metered
    /// The same pools priced under a plan (always on, or business hours).
    case estimate
}

/// The FOCUS version of an export file, which also sets its grain (`--focus-version`).
public enum FocusVersion: String, Sendable, Hashable, CaseIterable {
    /// FOCUS 1.0: one row per pool and hour, each cost rounded once to the currency's minor units (the file
    /// spcs-cost wrote before 1.2; kept for tools that read it).
    case v1_0 = "1.0"
    /// FOCUS 1.2: one row per pool, UTC day and charge kind, exact amounts. 1.2 is the newest version the newest
    /// focus-validator (2.2.1, PyPI) has rules for (it bundles `model-1.2.0.1.json` only; 1.3 is not modelled), so
    /// it is the newest version whose files can be checked.
    case v1_2 = "1.2"
}

/// One FOCUS charge: one compute pool over one charge period (an hour, or a UTC day), in credits, priced; or (FOCUS
/// 1.2) one row of the rest of the whole bill: a task's credits, or a part billed in currency, of one UTC day.
///
/// Amounts are exact here (``Pricing/charge(_:_:at:)``); the FOCUS 1.0 writer rounds each cost once, the 1.2
/// writer writes them exactly.
public struct FocusCharge: Sendable, Hashable {
    /// ChargePeriodStart/End: the half-open UTC interval `[start, end)` the credits were used in.
    public var chargePeriod: DateInterval
    /// The compute pool's name (ResourceName; ResourceId too when `poolID` is nil, and always in FOCUS 1.0).
    public var pool: String
    /// COMPUTE_POOL_ID when the usage view gave it (ResourceId in FOCUS 1.2, `x_ComputePoolId`); nil otherwise.
    public var poolID: Int64?
    /// What is charged for (`x_ChargeKind`).
    public var kind: ChargeKind
    /// The priced quantity, exact, in ``unit``: credits used for compute and the tasks (ConsumedQuantity and
    /// PricingQuantity); for the parts billed in currency the ledger's quantity (PricingQuantity, see
    /// ``FocusExport/csv12(_:)``).
    public var credits: Decimal
    /// The price billed for a credit on the charge's UTC day (the ledger's order) and its conversion into the
    /// billing currency.
    public var rate: DayRate
    /// The list (on-demand) price of a credit on the charge's UTC day and its conversion.
    public var listRate: DayRate
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
    /// Who used the credits ("Who used it", ``UsageAttribution/Kind``): `x_UsedBy` of a FOCUS 1.2 metered row; nil
    /// for estimates and for a pool's hour that is not split (its notebooks' credits exceed the pool's).
    public var usedBy: UsageAttribution.Kind?
    /// NOTEBOOK_NAME and USER_NAME of a ``UsageAttribution/Kind/notebook`` row (`x_Notebook`, `x_User`).
    public var notebook: String?, user: String?
    /// APPLICATION_ID (text) and its last known name of an ``UsageAttribution/Kind/application`` row
    /// (`x_ApplicationId`, `x_ApplicationName`; the name nil when no row ever named it).
    public var applicationID: String?, applicationName: String?
    /// The account the credits belong to (SubAccountId and SubAccountName), when the run prices each account at its
    /// own price; nil = the dataset's ``FocusDataset/account``.
    public var account: String?
    /// The unit of `credits` (the priced quantity): ``QuantityUnit/credits`` for compute and the tasks; TB-days,
    /// thousand-IOPS-days, GB/s-days, TB or currency for the parts billed in currency.
    public var unit: QuantityUnit = .credits
    /// The service of a snapshot row (BLOCK_STORAGE_SNAPSHOTS.SERVICE_NAME: ResourceId and ResourceName); nil
    /// otherwise.
    public var service: String?
    /// The task of a task row (`DATABASE.SCHEMA.NAME`: ResourceId and ResourceName); nil otherwise.
    public var task: String?
    /// The warehouse of a ``ChargeKind/taskWarehouse`` row (`x_Warehouse`); nil otherwise.
    public var warehouse: String?
    /// The unit price table's item a part billed in currency is priced at (SkuId, SkuMeter); nil for credits and the
    /// transfer adjustment.
    public var priceItem: UnitPriceItem?
    /// Bytes in the unit price table's TB (2^40 in the bundled table): how TB-days and TB become the GiB-days and
    /// GiB of ConsumedQuantity, and whether PricingUnit says `TiB` (2^40) or `TB` (10^12).
    public var bytesPerTB: Decimal = 1_099_511_627_776
    /// The account's region (RegionId, `AWS_AP_NORTHEAST_1`) and its name (RegionName) when known and the run
    /// prices each account at its own price; nil = the dataset's.
    public var region: (id: String, name: String?)? {
        get { regionID.map { ($0, regionName) } }
        set { regionID = newValue?.id; regionName = newValue?.name }
    }
    private var regionID: String?
    private var regionName: String?

    /// Creates a charge; both rates must convert into one billing currency.
    public init(chargePeriod: DateInterval, pool: String, poolID: Int64?, kind: ChargeKind = .compute,
                credits: Decimal, rate: DayRate, listRate: DayRate,
                family: InstanceFamily?, creditsPerNodeHour: Decimal?, rateCard: String?,
                nodes: Int? = nil, nodeHours: Decimal? = nil, schedule: String? = nil) {
        precondition(rate.currency == listRate.currency, "both prices must convert into one billing currency")
        self.chargePeriod = chargePeriod
        self.pool = pool
        self.poolID = poolID
        self.kind = kind
        self.credits = credits
        self.rate = rate
        self.listRate = listRate
        self.family = family
        self.creditsPerNodeHour = creditsPerNodeHour
        self.rateCard = rateCard
        self.nodes = nodes
        self.nodeHours = nodeHours
        self.schedule = schedule
    }

    /// The charge of a whole-bill ledger row (``WholeBill/rows``: a task's credits, or a part billed in currency) of
    /// one UTC day: the same quantity at the same rate, so its BilledCost is the row's amount exactly.
    /// - Parameters:
    ///   - listRate: the list price of the row's unit: the on-demand credit price of the day for task rows; for the
    ///     parts billed in currency the row's own rate (the unit price table is the on-demand list).
    ///   - period: the export's period; the UTC day is clipped to it.
    ///   - bytesPerTB: bytes in the unit price table's TB.
    public init(ledgerRow r: LedgerRow, listRate: DayRate, within period: DateInterval, bytesPerTB: Decimal) {
        let end = r.periodStart.addingTimeInterval(r.grain == .day ? 86_400 : 3600)
        self.init(chargePeriod: DateInterval(start: max(r.periodStart, period.start), end: min(end, period.end)),
                  pool: r.poolName, poolID: r.poolID, kind: r.kind, credits: r.charge.quantity, rate: r.charge.rate,
                  listRate: listRate, family: nil, creditsPerNodeHour: nil, rateCard: nil)
        unit = r.charge.unit
        service = r.service
        task = r.task
        warehouse = r.warehouse
        priceItem = r.priceItem
        self.bytesPerTB = bytesPerTB
    }

    /// The billed price of a credit in its own currency, with its source.
    public var price: CreditPriceSchedule.DayPrice { rate.unitPrice }
    /// Converts `price` into the billing currency for the charge's day.
    public var priceFX: ExchangeRate { rate.fx }
    /// The list price of a credit in its own currency, with its source.
    public var listPrice: CreditPriceSchedule.DayPrice { listRate.unitPrice }
    /// Converts `listPrice` into the billing currency for the charge's day.
    public var listFX: ExchangeRate { listRate.fx }

    /// The charges summed per pool (COMPUTE_POOL_ID where known, else the name), UTC day of the charge's price
    /// and charge kind: credits and node-hours added exactly; the charge period is the UTC day clipped to `period`
    /// (a whole UTC day for a period of whole UTC days). A day has one price (the ledger prices UTC days), so the
    /// sum's amount is exactly the sum of the parts' amounts.
    public static func daily(_ charges: [FocusCharge], within period: DateInterval) -> [FocusCharge] {
        struct Key: Hashable {
            let pool: String; let poolID: Int64?; let kind: ChargeKind; let day: CivilDate; let account: String?
            let usedBy: UsageAttribution.Kind?; let notebook: String?; let user: String?; let applicationID: String?
        }
        var order: [Key] = []
        var sums: [Key: FocusCharge] = [:]
        for c in charges {
            let key = Key(pool: c.pool, poolID: c.poolID, kind: c.kind, day: c.rate.day, account: c.account,
                          usedBy: c.usedBy, notebook: c.notebook, user: c.user, applicationID: c.applicationID)
            if var s = sums[key] {
                s.credits += c.credits
                if let h = c.nodeHours { s.nodeHours = (s.nodeHours ?? 0) + h }
                sums[key] = s
            } else {
                var s = c
                let start = key.day.startInstant(in: FocusExport.utc)
                let end = key.day.adding(days: 1).startInstant(in: FocusExport.utc)
                s.chargePeriod = DateInterval(start: max(start, period.start), end: min(end, period.end))
                sums[key] = s
                order.append(key)
            }
        }
        return order.map { sums[$0]! }
    }

    /// ContractedUnitPrice: the billed price of one credit in the billing currency, exact.
    public var contractedUnitPrice: Money { price.price.price.converted(with: priceFX) }
    /// ListUnitPrice: the list price of one credit in the billing currency, exact.
    public var listUnitPrice: Money { listPrice.price.price.converted(with: listFX) }
    /// The ledger's charge of the credits at the billed price (``Pricing/charge(_:_:at:)``), exact.
    public var charge: Charge { Pricing.charge(credits, unit, at: rate) }
    /// BilledCost = EffectiveCost = ContractedCost: the ledger's amount of the credits, exact.
    public var billedCost: Money { charge.amount }
    /// PricingCurrencyEffectiveCost: the same in the price's own currency (PricingCurrency), exact.
    public var pricingCurrencyCost: Money { charge.priceAmount }
    /// ListCost: the credits at the list price, converted like it, exact.
    public var listCost: Money { Pricing.charge(credits, unit, at: listRate).amount }
}

/// A FOCUS dataset of SPCS charges (compute; in FOCUS 1.2 the rest of the whole bill too): the data behind one
/// export file.
public struct FocusDataset: Sendable, Hashable {
    /// Metered or estimate.
    public var kind: FocusCostKind
    /// The FOCUS version of the file (and its grain: 1.0 hourly, 1.2 daily).
    public var version: FocusVersion
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
    public init(kind: FocusCostKind, version: FocusVersion = .v1_2, from: CivilDate, through: CivilDate, zone: TimeZone, billingCurrency: Currency,
                billingAccountID: String, account: String?, regionID: String, regionName: String?, edition: Edition,
                plan: String?, charges: [FocusCharge]) {
        precondition(!billingAccountID.isEmpty, "FOCUS requires a BillingAccountId")
        self.kind = kind
        self.version = version
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
        self.charges = charges.sorted {
            if ($0.chargePeriod.start, $0.pool, $0.poolID ?? -1, $0.kind.rawValue)
                != ($1.chargePeriod.start, $1.pool, $1.poolID ?? -1, $1.kind.rawValue) {
                return ($0.chargePeriod.start, $0.pool, $0.poolID ?? -1, $0.kind.rawValue)
                    < ($1.chargePeriod.start, $1.pool, $1.poolID ?? -1, $1.kind.rawValue)
            }
            if ($0.usedBy?.rawValue ?? "", $0.notebook ?? "", $0.user ?? "", $0.applicationID ?? "")
                != ($1.usedBy?.rawValue ?? "", $1.notebook ?? "", $1.user ?? "", $1.applicationID ?? "") {
                return ($0.usedBy?.rawValue ?? "", $0.notebook ?? "", $0.user ?? "", $0.applicationID ?? "")
                    < ($1.usedBy?.rawValue ?? "", $1.notebook ?? "", $1.user ?? "", $1.applicationID ?? "")
            }
            return ($0.account ?? "", $0.service ?? "", $0.task ?? "", $0.warehouse ?? "", $0.priceItem?.rawValue ?? "")
                < ($1.account ?? "", $1.service ?? "", $1.task ?? "", $1.warehouse ?? "", $1.priceItem?.rawValue ?? "")
        }
    }

    /// Total credits, exact: compute's and the scheduling tasks' (the rows whose quantity is in credits; the parts
    /// billed in currency have quantities of other units and are left out).
    public var credits: Decimal { charges.reduce(0) { $1.unit == .credits ? $0 + $1.credits : $0 } }

    /// BilledCost total, exact: the sum of the rows' exact amounts (what a FOCUS 1.2 file's rows add up to).
    public var billedCost: Money { charges.reduce(Money.zero(billingCurrency)) { $0 + $1.billedCost } }

    /// BilledCost of each row and their exact total, rounded the way the 1.0 file rounds them, with the difference.
    public var billedCostBreakdown: RoundedBreakdown {
        let lines = charges.map(\.billedCost)
        return RoundedBreakdown(lines: lines, exactTotal: lines.reduce(Money.zero(billingCurrency), +))
    }
}

/// Writes a ``FocusDataset`` as a FOCUS CSV file (FinOps Open Cost and Usage Specification): version 1.2 (daily,
/// exact; see ``csv12(_:)``) or 1.0 (hourly, rounded; described below).
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

    /// `spcs-cost-focus_2024-04-01_2024-04-30_metered.csv`, whatever the version (the name of earlier releases).
    public static func fileName(_ d: FocusDataset) -> String {
        "spcs-cost-focus_\(d.from)_\(d.through)_\(d.kind.rawValue).csv"
    }

    // MARK: FOCUS 1.2

    /// The FOCUS 1.2 columns written, in order (FOCUS 1.2, "Column Definitions" and the CostAndUsage dataset's
    /// presence rules). Mandatory: all. Recommended: ChargeFrequency, InvoiceId (null: the rows are spcs-cost's
    /// pricing of the usage, not lines of an invoice it knows; "InvoiceId MUST be null when the charge is not
    /// associated either with an invoice or with a pre-generated provisional invoice"), ServiceSubcategory. Conditional, written because Snowflake supports the
    /// feature: ConsumedQuantity/ConsumedUnit (usage is metered), ContractedUnitPrice (negotiated prices),
    /// ListUnitPrice and the Sku* columns (a public price list with unit prices), PricingCurrency and the
    /// PricingCurrency* prices and cost (prices in USD or the contract currency, billed in another),
    /// RegionId/RegionName, ResourceId/ResourceName/ResourceType, SubAccountId/SubAccountName (accounts). Left out,
    /// as the presence rules allow when the provider does not support the feature: AvailabilityZone (a pool is not
    /// placed in a zone one chooses), BillingAccountType and SubAccountType (one type each: organization and
    /// account), CapacityReservation* (SPCS has no capacity reservations), CommitmentDiscount* (a capacity
    /// contract's price is a negotiated rate, ContractedUnitPrice, not a commitment discount), Tags (spcs-cost reads
    /// no tags).
    public static let focus12Columns = [
        "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
        "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
        "ChargePeriodEnd", "ChargePeriodStart", "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
        "ContractedUnitPrice", "EffectiveCost", "InvoiceId", "InvoiceIssuerName", "ListCost", "ListUnitPrice",
        "PricingCategory", "PricingCurrency", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost",
        "PricingCurrencyListUnitPrice", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "RegionId",
        "RegionName", "ResourceId", "ResourceName", "ResourceType", "ServiceCategory", "ServiceName",
        "ServiceSubcategory", "SkuId", "SkuMeter", "SkuPriceDetails", "SkuPriceId", "SubAccountId", "SubAccountName",
    ]

    /// spcs-cost's own columns of a FOCUS 1.2 file: `x_ChargeKind` (a ``ChargeKind`` raw value), then those of
    /// ``extensionColumns`` (`x_ComputePoolId` keeps the ID beside ResourceId for tools that read 1.0 files), then
    /// "Who used it" (``usageColumns``), then ``warehouseColumns``.
    public static let focus12ExtensionColumns = ["x_ChargeKind"] + extensionColumns + usageColumns + warehouseColumns

    /// "Who used it" columns of a FOCUS 1.2 metered row (``UsageAttribution``): `x_UsedBy` (`notebook`,
    /// `application`, `idle`, `other`; empty for estimates and for a pool's hour left whole because its notebooks'
    /// credits exceed the pool's), `x_Notebook` and `x_User` (NOTEBOOK_NAME, USER_NAME), `x_ApplicationId` (text)
    /// and `x_ApplicationName` (the last name seen for the ID).
    public static let usageColumns = ["x_UsedBy", "x_Notebook", "x_User", "x_ApplicationId", "x_ApplicationName"]

    /// The last column of a FOCUS 1.2 file: `x_Warehouse`, the warehouse of a `task_warehouse` row (empty otherwise).
    public static let warehouseColumns = ["x_Warehouse"]

    /// The FOCUS 1.2 CSV text of `d`.
    ///
    /// - Rows: one per pool (COMPUTE_POOL_ID where known), UTC day and charge kind, sorted by ChargePeriodStart,
    ///   then ResourceName.
    /// - Values: timestamps ISO 8601 in UTC (`2024-04-01T00:00:00Z`); ChargePeriodStart/End the UTC day's bounds
    ///   (clipped to the export's period when its zone is not UTC); BillingPeriodStart/End the UTC calendar month
    ///   of ChargePeriodStart. Every amount, price and quantity is the exact decimal (no rounding), so the rows'
    ///   BilledCost adds up to the total exactly.
    /// - ResourceId: COMPUTE_POOL_ID where the usage view gave it, else the pool's name; ResourceName the name; a
    ///   task row's task, a snapshot row's service; null on an account line (egress, the adjustment, a snapshot of
    ///   no known service).
    /// - Kinds other than compute (README "Kinds other than compute"): ChargeCategory `Usage`, but the daily
    ///   transfer adjustment `Credit` (FOCUS 1.2 Discount Handling: a reduction applied after the fact) with no
    ///   quantity, unit price, PricingCategory or SKU; ConsumedUnit/PricingUnit per kind (``KindColumns``); unit
    ///   prices per PricingUnit.
    /// - BilledCost = EffectiveCost = ContractedCost = the ledger's amount (credits × the day's price × the day's
    ///   FX); ContractedUnitPrice the day's price converted; ListCost and ListUnitPrice the on-demand price the same
    ///   way; PricingCurrency the price's own currency (USD, or the contract's), PricingCurrencyEffectiveCost the
    ///   amount before FX.
    public static func csv12(_ d: FocusDataset) -> String {
        var table = TextTable(header: focus12Columns + focus12ExtensionColumns)
        table.rows = d.charges.map { row12($0, in: d) }
        return table.csv()
    }

    /// The cells of one FOCUS 1.2 charge, in column order.
    static func row12(_ c: FocusCharge, in d: FocusDataset) -> [String] {
        let exact = { (m: Money) in ExactDecimal.text(m.amount) }
        let billed = exact(c.billedCost)
        let month = CivilDate.of(c.chargePeriod.start, in: utc).firstOfMonth
        let pricingCurrency = c.price.price.price.currency
        // The list price in PricingCurrency ("PricingCurrencyListUnitPrice MUST be denominated in the
        // PricingCurrency"): the list price itself when it is in that currency, the billing-currency list price when
        // PricingCurrency is the billing currency; otherwise (a contract in a third currency) it would need a rate
        // between the two price currencies, which the run's FX book need not hold, so the cell stays empty.
        let k = KindColumns(c, in: d)
        // A unit price per PricingUnit: the ledger's price per unit of its quantity ÷ the PricingUnits in that unit
        // (1 but for IOPS: the ledger's 1,000 IOPS-day is 1,000 IOPS-Days); exact, as 1,000 divides a decimal exactly.
        let perUnit = { (m: Money) in ExactDecimal.text(m.amount / k.pricingScale) }
        let listInPricing: String
        if c.listPrice.price.price.currency == pricingCurrency {
            listInPricing = perUnit(c.listPrice.price.price)
        } else if pricingCurrency == d.billingCurrency {
            listInPricing = perUnit(c.listUnitPrice)
        } else {
            listInPricing = ""
        }
        // A credit (the transfer adjustment) has no quantity, unit price or SKU: FOCUS 1.2 ConsumedQuantity "MUST be
        // null when ChargeCategory is not \"Usage\""; the unit prices and SKU are conditional on usage and purchase
        // rows, and PricingCategory "MAY be null for all other combinations".
        let usage = k.category == "Usage"
        let resourceID = c.task ?? c.service ?? (c.pool.isEmpty ? nil : c.poolID.map(String.init) ?? c.pool)
        let resourceName = c.task ?? c.service ?? (c.pool.isEmpty ? nil : c.pool)
        let region = c.region?.id ?? d.regionID
        let focus: [String] = [
            billed, d.billingAccountID, "", d.billingCurrency.code,
            timestamp(month.adding(days: month.daysInMonth).startInstant(in: utc)), timestamp(month.startInstant(in: utc)),
            k.category, "", description12(c, in: d), "Usage-Based",
            timestamp(c.chargePeriod.end), timestamp(c.chargePeriod.start),
            usage ? k.consumedQuantity : "", usage ? k.consumedUnit : "", billed,
            usage ? perUnit(c.contractedUnitPrice) : "", billed, "", "Snowflake", exact(c.listCost),
            usage ? perUnit(c.listUnitPrice) : "",
            usage ? "Standard" : "", pricingCurrency.code, usage ? perUnit(c.price.price.price) : "",
            exact(c.pricingCurrencyCost), usage ? listInPricing : "",
            usage ? ExactDecimal.text(c.credits * k.pricingScale) : "",
            usage ? k.pricingUnit : "", "Snowflake", "Snowflake", region,
            (c.region == nil ? d.regionName : c.region?.name) ?? "", resourceID ?? "", resourceName ?? "",
            resourceID == nil ? "" : k.resourceType, k.serviceCategory, k.serviceName, k.serviceSubcategory,
            usage ? k.sku : "", usage ? k.skuMeter : "", usage ? k.skuPriceDetails(region: region) : "",
            usage ? k.skuPriceID(region: region) : "",
            c.account ?? d.account ?? "", c.account ?? d.account ?? "",
        ]
        return focus + [c.kind.rawValue] + extensions(c, in: d, exact: true)
            + [c.usedBy?.rawValue ?? "", c.notebook ?? "", c.user ?? "", c.applicationID ?? "", c.applicationName ?? "",
               c.warehouse ?? ""]
    }

    /// The FOCUS 1.2 cells that depend on a charge's kind (README "spcs-cost export --focus", the table of kinds).
    struct KindColumns {
        var category = "Usage"
        var consumedQuantity: String
        var consumedUnit: String
        var pricingUnit: String
        /// PricingUnits in one unit of the ledger's quantity (1,000 for IOPS: PricingUnit `IOPS-Days`, which
        /// focus-validator 2.2.1's unit format accepts where it rejects the spec's `1000 IOPS-Days`); else 1.
        var pricingScale: Decimal = 1
        var serviceCategory: String
        var serviceName = "Snowpark Container Services"
        var serviceSubcategory: String
        var resourceType: String
        var sku: String
        var skuMeter: String
        /// The list price's edition (credits) or nil (prices billed in currency, one per region).
        var edition: String?
        var tableUnit: String?

        init(_ c: FocusCharge, in d: FocusDataset) {
            let credits = ExactDecimal.text(c.credits)
            let edition = d.edition.rawValue.uppercased().replacingOccurrences(of: "-", with: "_")
            // TB-days and TB in GiB (ConsumedQuantity), and the TB's name in the unit format (FOCUS 1.2 "Unit
            // Format": TiB = 2^40 bytes, TB = 10^12).
            let gib = ExactDecimal.text(c.credits * c.bytesPerTB / 1_073_741_824)
            let tb = c.bytesPerTB == 1_099_511_627_776 ? "TiB" : "TB"
            let item = c.priceItem
            sku = item.map { $0.rawValue.uppercased().replacingOccurrences(of: "-", with: "_") } ?? ""
            skuMeter = item.map { "Snowpark Container Services \($0.displayName)" } ?? ""
            tableUnit = item?.tableUnit
            switch c.kind {
            case .compute:
                (consumedQuantity, consumedUnit, pricingUnit) = (credits, "Credits", "Credits")
                (serviceCategory, serviceSubcategory, resourceType) = ("Compute", "Containers", "Compute Pool")
                (sku, skuMeter, self.edition) = (FocusExport.skuID, "Snowpark Container Services compute credits", edition)
            case .taskWarehouse:
                (consumedQuantity, consumedUnit, pricingUnit) = (credits, "Credits", "Credits")
                (serviceCategory, serviceName, serviceSubcategory, resourceType) = ("Compute", "Warehouses", "Other (Compute)", "Task")
                (sku, skuMeter, self.edition) = ("WAREHOUSE_METERING", "Warehouse credits of tasks that suspend or resume compute pools", edition)
            case .serverlessTask:
                (consumedQuantity, consumedUnit, pricingUnit) = (credits, "Credits", "Credits")
                (serviceCategory, serviceName, serviceSubcategory, resourceType) = ("Compute", "Serverless Tasks", "Serverless Compute", "Task")
                (sku, skuMeter, self.edition) = ("SERVERLESS_TASK", "Serverless task credits of tasks that suspend or resume compute pools", edition)
            case .blockStorage:
                (consumedQuantity, consumedUnit, pricingUnit) = (gib, "GiB-Days", "\(tb)-Days")
                (serviceCategory, serviceName, serviceSubcategory, resourceType) = ("Storage", Self.storage, "Block Storage", "Compute Pool")
            case .snapshot:
                (consumedQuantity, consumedUnit, pricingUnit) = (gib, "GiB-Days", "\(tb)-Days")
                (serviceCategory, serviceName, serviceSubcategory, resourceType) = ("Storage", Self.storage, "Block Storage", "Service")
            case .blockStorageIOPS:
                (consumedQuantity, consumedUnit, pricingUnit, pricingScale) = (ExactDecimal.text(c.credits * 1000), "IOPS-Days", "IOPS-Days", 1000)
                (serviceCategory, serviceName, serviceSubcategory, resourceType) = ("Storage", Self.storage, "Block Storage", "Compute Pool")
            case .blockStorageThroughput:
                // GB/s of the table = 1,024 MiB/s: GiB per second ("GiBps", as price lists write MiBps).
                (consumedQuantity, consumedUnit, pricingUnit) = (credits, "GiBps-Days", "GiBps-Days")
                (serviceCategory, serviceName, serviceSubcategory, resourceType) = ("Storage", Self.storage, "Block Storage", "Compute Pool")
            case .dataTransfer:
                (consumedQuantity, consumedUnit, pricingUnit) = (gib, "GiB", tb)
                (serviceCategory, serviceName, serviceSubcategory, resourceType) = ("Networking", Self.transfer, "Network Connectivity", "Compute Pool")
            case .dataTransferAdjustment:
                category = "Credit"
                (consumedQuantity, consumedUnit, pricingUnit) = ("", "", "")
                (serviceCategory, serviceName, serviceSubcategory, resourceType) = ("Networking", Self.transfer, "Network Connectivity", "")
                (sku, skuMeter) = ("", "")
            }
        }

        /// ServiceName of block storage and snapshots, and of data transfer: FOCUS 1.2 gives a ServiceName one
        /// ServiceCategory (ServiceName-C-005-C) and, as it should, one ServiceSubcategory.
        static let storage = "Snowpark Container Services Block Storage"
        static let transfer = "Snowpark Container Services Data Transfer"

        /// SkuPriceId: `SKU/REGION/EDITION` for credits (the on-demand row that sets the list price), `SKU/REGION`
        /// for a price billed in currency (one per region).
        func skuPriceID(region: String) -> String {
            edition.map { "\(sku)/\(region)/\($0)" } ?? "\(sku)/\(region)"
        }

        /// SkuPriceDetails: the edition (credits) or the table's unit (prices billed in currency) and the region.
        func skuPriceDetails(region: String) -> String {
            if let edition { return "{\"x_Edition\":\"\(edition)\",\"x_RegionId\":\"\(region)\"}" }
            return "{\"x_PriceUnit\":\"\(tableUnit ?? "")\",\"x_RegionId\":\"\(region)\"}"
        }
    }

    /// ChargeDescription of a FOCUS 1.2 row: what it is and how it is priced, in one sentence of ASCII characters
    /// (focus-validator 2.2.1 reads FOCUS 1.2 "StringHandling" as ASCII only: `x`, not `×`).
    static func description12(_ c: FocusCharge, in d: FocusDataset) -> String {
        let per = "\(ExactDecimal.text(c.price.price.price.amount)) \(c.price.price.price.currency.code)"
        let owner = c.task ?? c.service.map { "service \($0)" } ?? (c.pool.isEmpty ? "the account" : "compute pool \(c.pool)")
        switch c.kind {
        case .compute: break
        case .taskWarehouse:
            return "Warehouse credits of task \(owner) on \(c.warehouse ?? "a warehouse") of the UTC day at \(per) per credit"
        case .serverlessTask:
            return "Serverless credits of task \(owner) of the UTC day at \(per) per credit"
        case .dataTransferAdjustment:
            return "Daily SPCS data transfer adjustment of the UTC day: minus the lower of the day's SPCS transfer cost "
                + "and 10 % of its SPCS compute cost"
        case .blockStorage, .blockStorageIOPS, .blockStorageThroughput, .snapshot, .dataTransfer:
            let item = c.priceItem?.displayName ?? c.kind.rawValue
            return "SPCS \(item) of \(owner) of the UTC day at \(per) per \(c.unit.rawValue)"
        }
        let shape = c.family.map { " (\($0)\(c.nodes.map { " x \($0) node\($0 == 1 ? "" : "s")" } ?? ""))" } ?? ""
        let what = switch d.kind {
        case .metered: "metered credits of the UTC day"
        case .estimate: "estimated credits of the UTC day, \(c.schedule ?? "plan")"
        }
        let who: String
        switch c.usedBy {
        case .notebook?: who = ", used by notebook \(c.notebook ?? "") of \(c.user ?? "")"
        case .application?: who = ", used by application \(c.applicationName ?? c.applicationID ?? "")"
        case .idle?: who = ", used by no notebook (idle)"
        case .other?, nil: who = ""
        }
        return "SPCS compute pool \(c.pool)\(shape): \(what)\(who) at \(ExactDecimal.text(c.price.price.price.amount)) "
            + "\(c.price.price.price.currency.code) per credit"
    }

    // MARK: FOCUS 1.0

    /// The RFC 4180 CSV text of `d` in its version (header row first, CRLF line ends).
    public static func csv(_ d: FocusDataset) -> String {
        switch d.version {
        case .v1_0: csv10(d)
        case .v1_2: csv12(d)
        }
    }

    /// The FOCUS 1.0 CSV text of `d`.
    static func csv10(_ d: FocusDataset) -> String {
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
            MoneyFormat.price(c.listUnitPrice), "Standard", credits, "Credits", "Snowflake", "Snowflake",
            c.region?.id ?? d.regionID, (c.region == nil ? d.regionName : c.region?.name) ?? "", c.pool, c.pool,
            "Compute Pool", "Compute", "Snowpark Container Services", skuID,
            "\(skuID)/\(c.region?.id ?? d.regionID)/\(d.edition.rawValue.uppercased().replacingOccurrences(of: "-", with: "_"))",
            c.account ?? d.account ?? "", c.account ?? d.account ?? "", "",
        ]
        return focus + extensions(c, in: d, exact: false)
    }

    /// The `x_` cells of ``extensionColumns``; `exact` writes the exact node-hours (FOCUS 1.2), else up to 9
    /// decimals (FOCUS 1.0).
    static func extensions(_ c: FocusCharge, in d: FocusDataset, exact: Bool) -> [String] {
        [
            d.kind.rawValue, c.poolID.map(String.init) ?? "", c.family?.name ?? "",
            c.creditsPerNodeHour.map(QuantityFormat.exact) ?? "", c.rateCard ?? "", c.nodes.map(String.init) ?? "",
            c.nodeHours.map(exact ? QuantityFormat.exact : QuantityFormat.quantity) ?? "", c.schedule ?? "",
            basis(c.price.basis), c.price.price.source, c.price.effectiveDate?.description ?? "",
            c.price.price.price.currency.code, MoneyFormat.price(c.price.price.price), QuantityFormat.exact(c.priceFX.rate),
            c.priceFX.source, c.listPrice.price.source, c.listPrice.price.price.currency.code,
            MoneyFormat.price(c.listPrice.price.price), QuantityFormat.exact(c.listFX.rate),
        ]
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
