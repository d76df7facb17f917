import Foundation
import SPCSCostCore
import SPCSCostTOML

/// A pools file: the compute pools a team runs, their schedules and expected activity, and how to price them.
/// TOML; `Fixtures/pools/jupyterlab.toml` is a commented example and README.md documents every key.
///
/// ```toml
/// [defaults]                      # optional, every key optional
/// region = "aws-ap-northeast-1"   # price region (default aws-us-east-1)
/// editions = ["standard", "business-critical"]   # or edition = "enterprise"
/// currency = "JPY"                # presentation currency
/// fx = { USD = "150" }            # units of `currency` per unit of each price currency
/// rate_card = "2024"              # else the card in force at the start of the period
/// holidays = "jp-holidays.csv"    # dates on which no task fires (CSV or iCalendar), relative to this file
///
/// [[pools]]
/// name = "JUPYTER_POOL"
/// family = "CPU_X64_XS"
/// min_nodes = 1                   # default 1
/// max_nodes = 2                   # default min_nodes
/// auto_suspend_secs = 3600        # default 3600; 0 = never
/// auto_resume = true              # default true
/// suspend_mode = "services"       # what the suspend task suspends: "services" (then the AUTO_SUSPEND_SECS tail) or "pool"
/// timezone = "Asia/Tokyo"         # zone of the period and per-day breakdown; default the first task's zone, else UTC
/// autoscale = { extra_nodes = 1, hours_per_day = 2 }
/// off_hours = { sessions_per_week = 3, minutes = 30 }
/// credit_price = "2.50"           # a contract price per credit (replaces the table), with
/// credit_price_currency = "USD"   # its currency (default USD)
/// rate_card = "2026-04"           # this pool's rate card, when it differs from the run's
/// block_storage = { volumes = 2, gib = 100 }   # block volumes of the services' instances (default 1), GiB each;
///                                 # also extra_iops = 2000, extra_throughput_mibps = 125 (each volume, above the defaults)
/// snapshots = { count = 7, gib = 100, days = 30 }  # snapshots kept at once (default 1), GiB each, days (default all)
/// account = "ACCT_02"             # whose pool of this name (name or locator); needed when several accounts have one
///
/// [[pools.tasks]]
/// name = "RESUME_JUPYTER"
/// action = "resume"               # or "suspend"
/// schedule = "USING CRON 0 10 * * MON-FRI Asia/Tokyo"   # or '10 MINUTES' with interval_anchor = "2024-04-01T00:00:00Z"
/// warehouse = "TASK_WH"           # the task's warehouse, with
/// warehouse_size = "XSMALL"       # its size (default XSMALL); or serverless = true, size = "XSMALL", run_seconds = 1
/// ```
/// Decimals may be written as strings (`"2.50"`, exact) or TOML numbers (read through their shortest decimal text).
public struct PoolsFile: Sendable {
    /// Settings for every pool.
    public struct Defaults: Sendable {
        /// Price region.
        public var region: String?
        /// Editions to price; empty = Standard to Business Critical.
        public var editions: [Edition] = []
        /// Presentation currency; nil = USD.
        public var currency: Currency?
        /// Units of the presentation currency per unit of each price currency (`fx = { USD = "150" }`).
        public var fx: [Currency: Decimal] = [:]
        /// Named pairs (`fx = { "EUR/USD" = "0.92" }`: 0.92 EUR per USD).
        public var fxPairs: [FXBook.FixedRate] = []
        /// The contract price per credit (`contract_price`, with `contract_currency`, `contract_overage_price` and
        /// `contract_start`); nil = none. In the ledger's order it comes after RATE_SHEET_DAILY.
        public var contract: CreditPriceSchedule.Contract?
        /// Rate card id; nil = chosen by date.
        public var rateCardID: String?
        /// Holiday file path as written (relative to the pools file).
        public var holidaysFile: String?
    }

    /// One pool and how to price it.
    public struct Entry: Sendable {
        /// Pool, tasks, activity, zone (holidays are filled in by the caller).
        public var plan: PoolPlan
        /// Price region; nil = the defaults'.
        public var region: String?
        /// Editions; empty = the defaults'.
        public var editions: [Edition]
        /// Contract price per credit; nil = the price table.
        public var creditPrice: Money?
        /// The pool's own rate card (`rate_card`), for a pool billed at another card than the others; nil = the
        /// run's card.
        public var rateCardID: String?
        /// When the pool was created (`created`, a date or timestamp, UTC); nil = not said.
        public var created: Date?
        /// When the pool was dropped (`dropped`); nil = not said (still exists).
        public var dropped: Date?
        /// Block storage volumes (`block_storage = { volumes = 2, gib = 100 }`) and snapshots (`snapshots = { count =
        /// 7, gib = 100, days = 30 }`) of the pool's services, priced in dollars by `estimate`; nil = neither key.
        public var storage: PlannedStorage?
        /// The account whose pool of this name the entry plans (`account`, an account name or its locator, upper
        /// case); nil = not said. Needed when the cache meters the name in several accounts (see
        /// ``PoolsFile/plannedAccounts(meteredAccounts:locators:)``).
        public var account: String?
        /// The pool's own zone, as the file gives it: `timezone`, else the zone of its first `USING CRON` task; nil
        /// when it gives neither (``PoolPlan/zone`` is then UTC). `advise` states the pool's schedule window in it.
        public var scheduleZone: TimeZone? = nil
    }

    /// File-wide settings.
    public var defaults: Defaults
    /// Pools in file order.
    public var pools: [Entry]
    /// The file as given (for errors); `""` when not read from a file.
    public var file: String = ""
}

/// A pools file entry that does not say which of several accounts' pools of its name it plans, or names an account
/// whose rows do not meter that name: `report`, `reconcile`, `whatif` and `advise` exit 64 (a key to add or fix).
public struct PoolAccountError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The pools file as given.
    public let file: String
    /// The pool's name.
    public let pool: String
    /// The accounts whose rows meter the pool's name in the run's period, upper case, sorted.
    public let accounts: [String]
    /// The entry's `account` as written (upper case); nil when the entry has none.
    public let given: String?

    public var description: String {
        let list = accounts.joined(separator: " and ")
        if let given {
            return "\(file), pool \(pool), key account: '\(given)' is neither the name nor the locator of an account whose "
                + "rows meter \(pool) in the period (\(list)). Fix: account = \"\(accounts[0])\" (or another of them)."
        }
        return "\(file), pool \(pool): the cache meters a pool of this name in \(accounts.count) accounts, \(list), and "
            + "the entry does not say whose it plans. Fix: add account = \"\(accounts[0])\" (an account name or its "
            + "locator) to the entry; a pools file plans one pool of a name."
    }
}

extension PoolsFile {
    /// The account whose price each entry's planned and what-if quantities take, by pool name: the entry's `account`
    /// (matched to the metered accounts by name or locator), else the one account whose rows meter the name. A name
    /// metered in one account or none, with no `account`, is left out (as before: its one account's price, or the
    /// run's).
    /// - Parameters:
    ///   - meteredAccounts: by pool name, the accounts (upper case, `""` = not known) whose rows meter it in the
    ///     run's period (``UsageCache/poolAccountSets(from:to:)``).
    ///   - locators: account locator to account name, both upper case, where the cache has them
    ///     (``UsageCache/accountLocators()``).
    /// - Throws: ``PoolAccountError`` for an entry without `account` whose name is metered in two or more accounts,
    ///   or whose `account` matches none of the accounts that meter its name.
    public func plannedAccounts(meteredAccounts: [String: Set<String>],
                                locators: [String: String]) throws(PoolAccountError) -> [String: String] {
        func canonical(_ a: String) -> String { locators[a] ?? a }
        var out: [String: String] = [:]
        for e in pools {
            let name = e.plan.pool.name
            let accounts = (meteredAccounts[name] ?? []).filter { !$0.isEmpty }.sorted()
            if let given = e.account {
                if accounts.isEmpty {
                    out[name] = canonical(given)
                } else if let match = accounts.first(where: { $0 == given || canonical($0) == canonical(given) }) {
                    out[name] = match
                } else {
                    throw PoolAccountError(file: file, pool: name, accounts: accounts, given: given)
                }
            } else if accounts.count > 1 {
                throw PoolAccountError(file: file, pool: name, accounts: accounts, given: nil)
            }
        }
        return out
    }
}

/// A problem in a pools file. `description` names the file, the place (line, or pool and key) and the fix.
public struct PoolsFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file as given.
    public let file: String
    /// `line 3`, or `pool JUPYTER_POOL, key min_nodes`.
    public let place: String
    /// What is wrong and how to fix it.
    public let reason: String

    public var description: String { "\(file), \(place): \(reason)" }
}

extension PoolsFile {
    /// Parses the text of a pools file named `file`.
    /// - Throws: ``PoolsFileError``.
    public static func parse(_ text: String, file: String) throws(PoolsFileError) -> PoolsFile {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch {
            throw PoolsFileError(file: file, place: "line \(error.line), column \(error.column)",
                                 reason: "\(error.reason); check the TOML syntax")
        }
        let reader = TableReader(file: file, place: "top level", table: root)
        try reader.allow(["defaults", "pools"])
        var defaults = Defaults()
        if let d = try reader.table("defaults") {
            let r = TableReader(file: file, place: "[defaults]", table: d)
            try r.allow(["region", "edition", "editions", "currency", "fx", "rate_card", "holidays", "contract_price",
                         "contract_currency", "contract_overage_price", "contract_start"])
            defaults.region = try r.region("region")
            defaults.editions = try r.editions()
            if let c = try r.string("currency") { defaults.currency = try r.currency(c, key: "currency") }
            if let fx = try r.table("fx") {
                let f = TableReader(file: file, place: "[defaults] fx", table: fx)
                for key in fx.keys {
                    guard let rate = try f.decimal(key), rate > 0 else { throw f.error(key, "must be a positive rate") }
                    let codes = key.split(separator: "/").map(String.init)
                    if codes.count == 2 {
                        // "QUOTE/BASE" = units of QUOTE per one BASE.
                        let quote = try f.currency(codes[0], key: key), base = try f.currency(codes[1], key: key)
                        guard quote != base else { throw f.error(key, "names one currency twice; write QUOTE/BASE") }
                        defaults.fxPairs.append(FXBook.FixedRate(pair: .init(base: base, quote: quote), rate: rate,
                                                                 source: "pools file \(file), fx \"\(key)\""))
                    } else {
                        defaults.fx[try f.currency(key, key: key)] = rate
                    }
                }
            }
            if let price = try r.decimal("contract_price") {
                guard price > 0 else { throw r.error("contract_price", "must be a positive price per credit") }
                var cur = Currency.usd
                if let c = try r.string("contract_currency") { cur = try r.currency(c, key: "contract_currency") }
                var overage: Money?
                if let o = try r.decimal("contract_overage_price") {
                    guard o > 0 else { throw r.error("contract_overage_price", "must be a positive price per credit") }
                    overage = Money(o, cur)
                }
                var start: CivilDate?
                if let t = try r.string("contract_start") {
                    guard let d = CivilDate(t) else { throw r.error("contract_start", "'\(t)' must be a date YYYY-MM-DD") }
                    start = d
                }
                defaults.contract = .init(pricePerCredit: Money(price, cur), overagePricePerCredit: overage,
                                          reference: "contract price (pools file \(file))", effectiveFrom: start)
            } else {
                for key in ["contract_currency", "contract_overage_price", "contract_start"] where d.contains(key: key) {
                    throw r.error(key, "needs contract_price")
                }
            }
            defaults.rateCardID = try r.string("rate_card")
            defaults.holidaysFile = try r.string("holidays")
        }
        guard let poolsArray = try reader.array("pools"), !poolsArray.isEmpty else {
            throw PoolsFileError(file: file, place: "top level", reason: "no [[pools]] entries; add at least one pool")
        }
        var entries: [Entry] = []
        for (i, value) in poolsArray.enumerated() {
            guard let t = value.table else {
                throw PoolsFileError(file: file, place: "pools[\(i)]", reason: "must be a table ([[pools]])")
            }
            entries.append(try parsePool(t, index: i, file: file))
        }
        var seen = Set<String>()
        for e in entries where !seen.insert(e.plan.pool.name).inserted {
            throw PoolsFileError(file: file, place: "pool \(e.plan.pool.name)", reason: "the name appears twice; pool names must be unique")
        }
        return PoolsFile(defaults: defaults, pools: entries, file: file)
    }

    static func parsePool(_ t: TOMLTable, index: Int, file: String) throws(PoolsFileError) -> Entry {
        var r = TableReader(file: file, place: "pools[\(index)]", table: t)
        guard let name = try r.string("name"), !name.isEmpty else { throw r.error("name", "is required") }
        r.place = "pool \(name)"
        try r.allow(["name", "family", "min_nodes", "max_nodes", "auto_suspend_secs", "auto_resume", "suspend_mode",
                     "timezone", "autoscale", "off_hours", "credit_price", "credit_price_currency", "region", "edition",
                     "editions", "tasks", "rate_card", "created", "dropped", "block_storage", "snapshots", "account"])
        guard let familyText = try r.string("family") else { throw r.error("family", "is required, for example CPU_X64_XS") }
        guard let family = InstanceFamily(familyText) else { throw r.error("family", "'\(familyText)' is not an instance family name") }
        let minNodes = try r.int("min_nodes") ?? 1
        let maxNodes = try r.int("max_nodes") ?? minNodes
        let autoSuspend = try r.int("auto_suspend_secs") ?? ComputePool.defaultAutoSuspendSeconds
        // The same rules as setup SQL and flags (ComputePool.violation), named by this file's keys.
        if let v = ComputePool.violation(minNodes: minNodes, maxNodes: maxNodes, autoSuspendSeconds: autoSuspend) {
            let key = { (s: ComputePool.RuleViolation.Setting) in s.rawValue.lowercased() }
            throw r.error(key(v.setting), v.reason(naming: key))
        }
        let autoResume = try r.bool("auto_resume") ?? true
        let modeText = try r.string("suspend_mode") ?? "services"
        guard let mode = SuspendMode(rawValue: modeText.lowercased()) else {
            throw r.error("suspend_mode", "'\(modeText)' must be \"services\" or \"pool\"")
        }
        let pool = ComputePool(name: name, family: family, minNodes: minNodes, maxNodes: maxNodes,
                               autoSuspendSeconds: autoSuspend, autoResume: autoResume)

        var activity = ExpectedActivity()
        if let a = try r.table("autoscale") {
            let ar = TableReader(file: file, place: "pool \(name), autoscale", table: a)
            try ar.allow(["extra_nodes", "hours_per_day"])
            guard let extra = try ar.int("extra_nodes"), extra >= 0 else { throw ar.error("extra_nodes", "is required, a whole number ≥ 0") }
            guard let hours = try ar.decimal("hours_per_day"), hours >= 0, hours <= 24 else {
                throw ar.error("hours_per_day", "is required, between 0 and 24")
            }
            activity.autoscale = .init(extraNodes: extra, hoursPerDay: hours)
        }
        if let o = try r.table("off_hours") {
            let orr = TableReader(file: file, place: "pool \(name), off_hours", table: o)
            try orr.allow(["sessions_per_week", "minutes"])
            guard let n = try orr.decimal("sessions_per_week"), n >= 0 else { throw orr.error("sessions_per_week", "is required, ≥ 0") }
            guard let m = try orr.decimal("minutes"), m >= 0 else { throw orr.error("minutes", "is required, ≥ 0") }
            activity.offHours = .init(sessionsPerWeek: n, minutes: m)
        }
        var creditPrice: Money?
        if let p = try r.decimal("credit_price") {
            guard p > 0 else { throw r.error("credit_price", "must be positive") }
            let cur = try r.string("credit_price_currency").map { c throws(PoolsFileError) in try r.currency(c, key: "credit_price_currency") } ?? .usd
            creditPrice = Money(p, cur)
        }

        var tasks: [ScheduledTask] = []
        var firstZone: TimeZone?
        for (j, value) in (try r.array("tasks") ?? []).enumerated() {
            guard let tt = value.table else { throw r.error("tasks[\(j)]", "must be a table ([[pools.tasks]])") }
            var tr = TableReader(file: file, place: "pool \(name), tasks[\(j)]", table: tt)
            try tr.allow(["name", "action", "schedule", "warehouse", "warehouse_size", "serverless", "size",
                          "run_seconds", "interval_anchor"])
            let taskName = try tr.string("name") ?? "TASK_\(j + 1)"
            tr.place = "pool \(name), task \(taskName)"
            guard let actionText = try tr.string("action") else { throw tr.error("action", "is required: \"resume\" or \"suspend\"") }
            let action: PoolEvent.Action
            switch actionText.lowercased() {
            case "resume": action = .resume
            case "suspend": action = .suspend(mode)
            default: throw tr.error("action", "'\(actionText)' must be \"resume\" or \"suspend\"")
            }
            guard let scheduleText = try tr.string("schedule") else {
                throw tr.error("schedule", "is required, for example \"USING CRON 0 19 * * MON-FRI Asia/Tokyo\"")
            }
            let schedule: TaskSchedule
            do { schedule = try TaskSchedule(parsing: scheduleText) } catch {
                throw tr.error("schedule", "\(error)")
            }
            if case let .cron(c) = schedule, firstZone == nil { firstZone = c.timeZone }
            let compute: TaskCompute
            if try tr.bool("serverless") == true {
                let sizeText = try tr.string("size") ?? "XSMALL"
                guard let size = WarehouseSize(name: sizeText) else { throw tr.error("size", "'\(sizeText)' is not a warehouse size such as XSMALL") }
                let seconds = try tr.int("run_seconds") ?? 1
                guard seconds >= 1 else { throw tr.error("run_seconds", "must be at least 1") }
                compute = .serverless(size: size, runSeconds: seconds)
            } else {
                let sizeText = try tr.string("warehouse_size") ?? "XSMALL"
                guard let size = WarehouseSize(name: sizeText) else {
                    throw tr.error("warehouse_size", "'\(sizeText)' is not a warehouse size such as XSMALL")
                }
                compute = .warehouse(name: try tr.string("warehouse"), size: size)
            }
            var anchor: Date?
            if let a = try tr.string("interval_anchor") {
                guard case let .instant(d, _)? = try? TimestampText.read(a) else {
                    throw tr.error("interval_anchor", "'\(a)' must be a timestamp with an offset, such as 2024-04-01T09:00:00Z")
                }
                anchor = d
            }
            tasks.append(ScheduledTask(name: taskName, schedule: schedule, action: action, compute: compute,
                                       intervalAnchor: anchor))
        }
        var zone = firstZone ?? TimeZone(identifier: "UTC")!
        var ownZone = firstZone
        if let z = try r.string("timezone") {
            guard z.contains("/") || z == "UTC", let tz = TimeZone(identifier: z) else {
                throw r.error("timezone", "'\(z)' is not an IANA time zone name such as Asia/Tokyo")
            }
            zone = tz
            ownZone = tz
        }
        var storage: PlannedStorage?
        if let b = try r.table("block_storage") {
            let br = TableReader(file: file, place: "pool \(name), block_storage", table: b)
            try br.allow(["volumes", "gib", "extra_iops", "extra_throughput_mibps"])
            let n = try br.int("volumes") ?? 1
            guard n >= 0 else { throw br.error("volumes", "must be a whole number ≥ 0") }
            guard let gib = try br.decimal("gib"), gib > 0 else {
                throw br.error("gib", "is required, the size of each volume in GiB (> 0), for example 100")
            }
            let iops = try br.decimal("extra_iops") ?? 0
            guard iops >= 0 else {
                throw br.error("extra_iops", "must be ≥ 0: the IOPS of each volume above the default (3,000 on AWS), for example 2000")
            }
            let throughput = try br.decimal("extra_throughput_mibps") ?? 0
            guard throughput >= 0 else {
                throw br.error("extra_throughput_mibps",
                               "must be ≥ 0: the MiB/s of each volume above the default (125 on AWS), for example 125")
            }
            storage = PlannedStorage(volumes: n, volumeGiB: gib, extraIOPS: iops, extraThroughputMiBPerSecond: throughput)
        }
        if let sn = try r.table("snapshots") {
            let sr = TableReader(file: file, place: "pool \(name), snapshots", table: sn)
            try sr.allow(["count", "gib", "days"])
            let n = try sr.int("count") ?? 1
            guard n >= 0 else { throw sr.error("count", "must be a whole number ≥ 0") }
            guard let gib = try sr.decimal("gib"), gib > 0 else {
                throw sr.error("gib", "is required, the size of each snapshot in GiB (> 0), for example 100")
            }
            let days = try sr.int("days")
            if let days, days < 1 { throw sr.error("days", "must be at least 1 (leave it out for every day of the period)") }
            var s = storage ?? PlannedStorage()
            (s.snapshots, s.snapshotGiB, s.snapshotDays) = (n, gib, days)
            storage = s
        }
        return Entry(plan: PoolPlan(pool: pool, tasks: tasks, activity: activity, zone: zone),
                     region: try r.region("region"), editions: try r.editions(), creditPrice: creditPrice,
                     rateCardID: try r.string("rate_card"), created: try r.instant("created"),
                     dropped: try r.instant("dropped"), storage: storage, account: try account(r), scheduleZone: ownZone)
    }

    /// The entry's `account`: an account name or locator, upper case as the cache keeps accounts.
    static func account(_ r: TableReader) throws(PoolsFileError) -> String? {
        guard let text = try r.string("account") else { return nil }
        let a = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard !a.isEmpty, !a.contains(where: { $0.isWhitespace }) else {
            throw r.error("account", "'\(text)' must be an account name or locator such as ACCT_02 or XY12346")
        }
        return a
    }
}

/// Typed reads from a TOML table, with errors that name the file, the place and the key.
struct TableReader {
    let file: String
    var place: String
    let table: TOMLTable

    func error(_ key: String, _ reason: String) -> PoolsFileError {
        PoolsFileError(file: file, place: "\(place), key \(key)", reason: reason)
    }

    /// A date (`2024-04-25`, the start of that UTC day) or a timestamp with an offset (`2024-04-25T09:00:00Z`).
    func instant(_ key: String) throws(PoolsFileError) -> Date? {
        guard let value = table[key] else { return nil }
        guard let text = value.string ?? value.dateTime?.text else {
            throw error(key, "must be a date (2024-04-25, UTC) or a timestamp with an offset (2024-04-25T09:00:00Z)")
        }
        if let d = CivilDate(text) { return d.startInstant(in: TimeZone(identifier: "UTC")!) }
        if case let .instant(d, _)? = try? TimestampText.read(text) { return d }
        throw error(key, "'\(text)' must be a date (2024-04-25, UTC) or a timestamp with an offset (2024-04-25T09:00:00Z)")
    }

    func allow(_ keys: Set<String>) throws(PoolsFileError) {
        for k in table.keys where !keys.contains(k) {
            throw error(k, "is not a known key here; known keys: \(keys.sorted().joined(separator: ", "))")
        }
    }

    func string(_ key: String) throws(PoolsFileError) -> String? {
        guard let v = table[key] else { return nil }
        guard let s = v.string else { throw error(key, "must be a string (in double quotes)") }
        return s
    }

    /// A region id (`aws-ap-northeast-1` or `AWS_AP_NORTHEAST_1`), checked here so that the error names the pools
    /// file and key rather than `--region`.
    func region(_ key: String) throws(PoolsFileError) -> String? {
        guard let s = try string(key) else { return nil }
        guard RegionID(s) != nil else {
            throw error(key, "'\(s)' is not a region id; use a form such as aws-ap-northeast-1 or AWS_AP_NORTHEAST_1")
        }
        return s
    }

    func int(_ key: String) throws(PoolsFileError) -> Int? {
        guard let v = table[key] else { return nil }
        guard let i = v.int else { throw error(key, "must be a whole number") }
        return i
    }

    func bool(_ key: String) throws(PoolsFileError) -> Bool? {
        guard let v = table[key] else { return nil }
        guard let b = v.bool else { throw error(key, "must be true or false") }
        return b
    }

    func table(_ key: String) throws(PoolsFileError) -> TOMLTable? {
        guard let v = table[key] else { return nil }
        guard let t = v.table else { throw error(key, "must be a table, for example { key = value }") }
        return t
    }

    func array(_ key: String) throws(PoolsFileError) -> [TOMLValue]? {
        guard let v = table[key] else { return nil }
        guard let a = v.array else { throw error(key, "must be an array of tables ([[\(key)]])") }
        return a
    }

    /// A decimal written as a string (exact) or a TOML number (read through its shortest decimal text).
    func decimal(_ key: String) throws(PoolsFileError) -> Decimal? {
        guard let v = table[key] else { return nil }
        if let s = v.string {
            guard let d = ExactDecimal.parse(s) else { throw error(key, "'\(s)' is not a decimal such as 2.5") }
            return d
        }
        if let i = v.int { return Decimal(i) }
        if let d = v.double, d.isFinite, let exact = ExactDecimal.parse("\(d)") { return exact }
        throw error(key, "must be a number or a decimal in quotes, such as \"2.5\"")
    }

    func currency(_ code: String, key: String) throws(PoolsFileError) -> Currency {
        guard let c = Currency(code: code) else { throw error(key, "'\(code)' is not an ISO 4217 currency code such as USD or JPY") }
        return c
    }

    func editions() throws(PoolsFileError) -> [Edition] {
        var names: [String] = []
        if let one = try string("edition") { names.append(one) }
        if let many = table["editions"] {
            guard let a = many.array else { throw error("editions", "must be a list such as [\"standard\", \"enterprise\"]") }
            for v in a {
                guard let s = v.string else { throw error("editions", "must list edition names in quotes") }
                names.append(s)
            }
        }
        return try names.map { n throws(PoolsFileError) in
            guard let e = Edition(name: n) else {
                throw error("edition", "'\(n)' is not an edition; use standard, enterprise, business-critical or vps")
            }
            return e
        }
    }
}
