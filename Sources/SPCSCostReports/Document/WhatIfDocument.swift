import Foundation
import SPCSCostCore

/// What `spcs-cost whatif` renders: per policy and pool, metered credits against the policy's, and when priced the
/// amounts in the presentation currency from the priced ledger. ``Document/whatIf(_:stamp:)`` turns it into the
/// command's document.
public struct WhatIfInput: Sendable {
    /// Results in policy, then pool order.
    public var results: [WhatIfResult]
    /// First day.
    public var from: CivilDate
    /// Last day.
    public var to: CivilDate
    /// The rate card of the policies' credits per node-hour.
    public var rateCardID: String
    /// Notes for the reader.
    public var warnings: [String]
    /// The presentation currency of the amounts; nil = credits only.
    public var currency: Currency?
    /// The prices and FX used, per run of UTC days (empty when not priced).
    public var priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)]

    /// Creates an input; `currency` nil = credits only.
    public init(results: [WhatIfResult], from: CivilDate, to: CivilDate, rateCardID: String, warnings: [String],
                currency: Currency? = nil, priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)] = []) {
        self.results = results
        self.from = from
        self.to = to
        self.rateCardID = rateCardID
        self.warnings = warnings
        self.currency = currency
        self.priceRuns = priceRuns
    }
}

extension Document {
    /// The what-if's files are named `spcs-cost-whatif_<from>_<to>` plus the format's suffix.
    public static func whatIfFileBase(_ w: WhatIfInput) -> String { "spcs-cost-whatif_\(w.from)_\(w.to)" }

    /// The what-if (`spcs-cost whatif`) as one document: headline figures (metered, and per policy its cost and the
    /// policy minus metered; when priced), each policy's assumptions, the per-pool table (a total row per policy),
    /// the per-day table, the pools' lifetimes, rounding lines (pools against their policy's total) and the stamp
    /// (rate card, credit prices with their days and FX, price order, rounding, tool, command).
    public static func whatIf(_ w: WhatIfInput, stamp: ReportStamp) -> Document {
        WhatIfDocument(w: w, stamp: stamp).document
    }
}

/// Builds the ``Document`` of a what-if (see ``Document/whatIf(_:stamp:)``).
struct WhatIfDocument {
    let w: WhatIfInput
    let stamp: ReportStamp
    /// Each result with its period sums, computed once (each sum adds up the result's days).
    let sums: [Sums]
    /// Each lifetime in words, computed once.
    let lifetimeText: [PoolLifetime: String]

    /// A result and its sums over the period.
    struct Sums {
        var result: WhatIfResult
        var metered: ChargeSum?
        var policyCost: ChargeSum?
        var saved: ChargeSum?
        var meteredCredits: Decimal
        var policyCredits: Decimal
        var savedCredits: Decimal { policyCredits - meteredCredits }
    }

    init(w: WhatIfInput, stamp: ReportStamp) {
        self.w = w
        self.stamp = stamp
        sums = Self.sums(of: w.results)
        var text: [PoolLifetime: String] = [:]
        for r in w.results where text[r.lifetime] == nil { text[r.lifetime] = r.lifetime.summary }
        lifetimeText = text
    }

    /// Each result's ``sums(_:)``, in the order of `results`, made on every core (the results are independent; a
    /// year of a thousand pools under business hours is 730,000 days of 38-digit Decimal additions).
    static func sums(of results: [WhatIfResult]) -> [Sums] {
        let threads = min(results.count, max(1, ProcessInfo.processInfo.activeProcessorCount))
        guard threads > 1 else { return results.map(Self.sums) }
        var out = [Sums?](repeating: nil, count: results.count)
        out.withUnsafeMutableBufferPointer { slots in
            // Each thread writes only its own slots (i ≡ t mod threads).
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                for i in stride(from: t, to: results.count, by: threads) { slots[i] = sums(results[i]) }
            }
        }
        return out.map { $0! }
    }

    /// A result's sums over its days, in one pass with ``DecimalSum`` (the values of ``WhatIfResult/metered``,
    /// ``WhatIfResult/policyCost``, ``WhatIfResult/meteredCredits`` and ``WhatIfResult/policyCredits``, each a sum
    /// of the days in order, without a Decimal `+` per day and figure).
    static func sums(_ r: WhatIfResult) -> Sums {
        var meteredCredits = DecimalSum(), policyCredits = DecimalSum()
        var mq = DecimalSum(), ma = DecimalSum(), pq = DecimalSum(), pa = DecimalSum()
        // The amounts are priced (the sums non-nil) when the first day is, as WhatIfResult's sums read them.
        let mc = r.days.first?.metered?.amount.currency, pc = r.days.first?.policy?.amount.currency
        for d in r.days {
            meteredCredits.add(d.meteredCredits)
            policyCredits.add(d.policyCredits)
            if mc != nil, let m = d.metered { mq.add(m.quantity); ma.add(m.amount.amount) }
            if pc != nil, let p = d.policy { pq.add(p.quantity); pa.add(p.amount.amount) }
        }
        let m = mc.map { ChargeSum(quantity: mq.value, amount: Money(ma.value, $0)) }
        let p = pc.map { ChargeSum(quantity: pq.value, amount: Money(pa.value, $0)) }
        return Sums(result: r, metered: m, policyCost: p, saved: p.flatMap { p in m.map { p - $0 } },
                    meteredCredits: meteredCredits.value, policyCredits: policyCredits.value)
    }

    /// Policies in the order of the results.
    var policies: [WhatIfPolicy] {
        var out: [WhatIfPolicy] = []
        for r in w.results where !out.contains(r.policy) { out.append(r.policy) }
        return out
    }

    /// `Business hours 10:00-19:00` → `business_hours_10_00_19_00`.
    static func key(_ label: String) -> String {
        var out = ""
        for ch in label.lowercased() {
            if ch.isLetter || ch.isNumber { out.append(ch) } else if !out.hasSuffix("_") { out.append("_") }
        }
        return out.hasSuffix("_") ? String(out.dropLast()) : out
    }

    /// The total of `f` over the results of `p`; nil when not priced.
    func total(_ p: WhatIfPolicy, _ f: (Sums) -> ChargeSum?) -> ChargeSum? {
        guard let c = w.currency else { return nil }
        return sums.filter { $0.result.policy == p }.reduce(ChargeSum.zero(c)) { $0 + (f($1) ?? .zero(c)) }
    }

    var document: Document {
        var notes = ["Policy minus metered: positive when the policy would have cost more than what was metered (the "
            + "metered use saved that much), negative when the policy would have saved."]
        if w.priced {
            notes.append("Every amount is a sum of ledger charges (as in report): each UTC day's credits at that day's "
                + "credit price and FX. Always on and business hours count only the hours each pool existed.")
        }
        let lifetimes = Dictionary(w.results.map { ($0.pool, lifetimeText[$0.lifetime] ?? $0.lifetime.summary) }, uniquingKeysWith: { a, _ in a })
        var sections: [Document.Section] = [
            .init(id: "policies", title: "Policies", blocks: [.list(policies.map { "\($0.label): \($0.assumptions)" })]),
            .init(id: "pools", title: "Per policy and pool", blocks: [.table(poolsTable)]),
            .init(id: "days", title: "Per day", blocks: [.table(daysTable)]),
            .init(id: "lifetimes", title: "Pool lifetimes",
                  blocks: [.list(lifetimes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })]),
        ]
        if !taskLines.isEmpty {
            sections.insert(.init(id: "tasks", title: "Schedule tasks", blocks: [
                .paragraph("A schedule is run by tasks, and they bill credits of their own: each business-hours policy's "
                    + "credits and cost include the tasks that would resume and suspend the pool (as estimate prices "
                    + "a pools file's tasks)."),
                .list(taskLines)]), at: 1)
        }
        if !storageLines.isEmpty {
            sections.insert(.init(id: "storage", title: "Block storage and snapshots", blocks: [
                .paragraph(Self.storageSentence), .list(storageLines)]), at: taskLines.isEmpty ? 1 : 2)
        }
        return Document(
            kind: "whatif", fileBase: Document.whatIfFileBase(w), title: "What if: \(w.from) to \(w.to)",
            stamp: documentStamp, warnings: w.warnings, notes: notes, figuresTitle: "Summary", figures: figures,
            currency: w.currency ?? .usd, roundingLines: roundingLines, sections: sections)
    }

    /// What a schedule does to block storage, said wherever storage is shown.
    static let storageSentence = "Block storage and snapshots bill for every second they exist, also while the pool is "
        + "suspended: no policy saves them, so each pool's storage is the same under every policy and is not in the "
        + "policies' costs or the metered (its metered amount from BLOCK_STORAGE_HISTORY, else the pools file's plan)."

    /// Per business-hours policy and pool with tasks: the tasks' assumption in words.
    var taskLines: [String] {
        w.results.compactMap { r in r.tasks.map { "\(r.pool), \(r.policy.label): \($0.assumption)" } }
    }

    /// Per pool with storage (once, whatever the policies): its amount and source.
    var storageLines: [String] {
        var seen = Set<String>(), out: [String] = []
        for r in w.results {
            guard let m = r.storage, seen.insert(r.pool).inserted else { continue }
            out.append("\(r.pool): \(MoneyFormat.withCode(m)) (\(r.storageSource ?? "metered")), under every policy")
        }
        return out
    }

    /// True when some result carries tasks (the task columns are shown).
    var hasTasks: Bool { w.results.contains { $0.tasks != nil } }
    /// True when some result carries storage (the storage column is shown).
    var hasStorage: Bool { w.results.contains { $0.storage != nil } }

    /// Metered (once), then per policy the cost under it and the policy minus metered; only when priced.
    var figures: [Document.Figure] {
        guard w.priced, let first = policies.first, let metered = total(first, \.metered) else { return [] }
        var out = [Document.Figure(key: "metered", label: "Metered", credits: metered.quantity, amount: metered.amount,
                                   emphasis: true)]
        for p in policies {
            guard let m = total(p, \.metered), let c = total(p, \.policyCost) else { continue }
            let k = Self.key(p.label)
            out.append(.init(key: "policy_\(k)", label: "Under \(p.label)", credits: c.quantity, amount: c.amount))
            out.append(.init(key: "policy_\(k)_minus_metered", label: "\(p.label) minus metered",
                             credits: c.quantity - m.quantity, amount: c.amount - m.amount,
                             percent: m.amount.amount == 0 ? nil : (c.amount - m.amount).amount / m.amount.amount * 100,
                             percentOf: m.amount.amount == 0 ? nil : "metered", emphasis: true))
            if case .businessHours = p, let c = w.currency {
                let rs = sums.filter { $0.result.policy == p }.compactMap(\.result.tasks)
                if !rs.isEmpty {
                    let cost = rs.reduce(ChargeSum.zero(c)) { $0 + ($1.cost ?? .zero(c)) }
                    out.append(.init(key: "policy_\(k)_tasks", label: "\(p.label): its schedule tasks (in its cost)",
                                     credits: cost.quantity, amount: cost.amount,
                                     note: "\(rs.reduce(0) { $0 + $1.runs }) runs; up to "
                                        + "\(ExactDecimal.text(MoneyFormat.round(rs.reduce(Decimal(0)) { $0 + $1.highCredits }, scale: 9))) "
                                        + "credits until the warehouse's AUTO_SUSPEND"))
                }
            }
        }
        if let c = w.currency, hasStorage {
            var seen = Set<String>()
            let total = w.results.reduce(Money.zero(c)) { sum, r in
                guard let m = r.storage, seen.insert(r.pool).inserted else { return sum }
                return sum + m
            }
            out.append(.init(key: "block_storage", label: "Block storage and snapshots (the same under every policy)",
                             credits: nil, amount: total, note: "billed also while suspended; not in the figures above"))
        }
        return out
    }

    /// Per policy with more than one pool: the pools' rounded amounts against the policy's rounded total.
    var roundingLines: [Document.RoundingLine] {
        guard let c = w.currency else { return [] }
        var out: [Document.RoundingLine] = []
        for p in policies {
            let rs = sums.filter { $0.result.policy == p }
            guard rs.count > 1 else { continue }
            let k = Self.key(p.label)
            for (column, words, f) in [("metered_cost_\(c.code)", "metered", { (r: Sums) in r.metered?.amount }),
                                       ("policy_cost_\(c.code)", "under the policy", { (r: Sums) in r.policyCost?.amount }),
                                       ("policy_minus_metered_cost_\(c.code)", "policy minus metered", { (r: Sums) in r.saved?.amount })] {
                let lines = rs.map { f($0) ?? .zero(c) }
                let b = RoundedBreakdown(lines: lines)
                if b.difference.amount != 0 {
                    out.append(.init(table: "pools", column: "\(k).\(column)", label: "\(p.label), \(words) (\(c.code))",
                                     breakdown: b))
                }
            }
        }
        return out
    }

    /// One row per policy and pool; a total row (for people) per policy with more than one pool.
    var poolsTable: Table {
        var columns: [Table.Column] = [
            .init(key: "policy", label: "Policy", kind: .text),
            .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "lifetime", label: "Lifetime", kind: .text, detail: true),
            .init(key: "metered_credits", label: "Metered", kind: .credits),
            .init(key: "policy_credits", label: "Under the policy", kind: .credits),
            .init(key: "policy_minus_metered_credits", label: "Policy minus metered", kind: .credits),
        ]
        if let c = w.currency {
            columns += [.init(key: "metered_cost_\(c.code)", label: "Metered (\(c.code))", kind: .money(c)),
                        .init(key: "policy_cost_\(c.code)", label: "Under the policy (\(c.code))", kind: .money(c)),
                        .init(key: "policy_minus_metered_cost_\(c.code)", label: "Policy minus metered (\(c.code))",
                              kind: .money(c))]
        }
        let tasks = hasTasks, storage = hasStorage && w.currency != nil
        if tasks {
            columns += [.init(key: "task_runs", label: "Task runs", kind: .integer),
                        .init(key: "task_credits", label: "Tasks (in the policy)", kind: .credits),
                        .init(key: "task_credits_high", label: "Tasks at most", kind: .credits, detail: true)]
            if let c = w.currency {
                columns.append(.init(key: "task_cost_\(c.code)", label: "Tasks (\(c.code))", kind: .money(c)))
            }
        }
        if storage, let c = w.currency {
            columns.append(.init(key: "storage_cost_\(c.code)", label: "Block storage, every policy (\(c.code))",
                                 kind: .money(c)))
        }
        /// The task and storage cells of a result (empty when neither column is shown).
        func extra(_ r: WhatIfResult?) -> [Cell] {
            var cells: [Cell] = []
            if tasks {
                cells += [r?.tasks.map { .integer($0.runs) } ?? .empty, r?.tasks.map { .number($0.credits) } ?? .empty,
                          r?.tasks.map { .number($0.highCredits) } ?? .empty]
                if w.currency != nil { cells.append(r?.tasks?.cost.map { .money($0.amount) } ?? .empty) }
            }
            if storage { cells.append(r?.storage.map(Cell.money) ?? .empty) }
            return cells
        }
        var t = Table(id: "pools", title: "Per policy and pool", columns: columns)
        for p in policies {
            let rs = sums.filter { $0.result.policy == p }
            for r in rs {
                var cells: [Cell] = [.text(p.label), .text(r.result.pool), .text(lifetimeText[r.result.lifetime] ?? r.result.lifetime.summary), .number(r.meteredCredits),
                                     .number(r.policyCredits), .number(r.savedCredits)]
                if let c = w.currency {
                    cells += [.money(r.metered?.amount ?? .zero(c)), .money(r.policyCost?.amount ?? .zero(c)),
                              .money(r.saved?.amount ?? .zero(c))]
                }
                cells += extra(r.result)
                t.rows.append(.init(cells))
            }
            if rs.count > 1 {
                let m = rs.reduce(Decimal(0)) { $0 + $1.meteredCredits }, q = rs.reduce(Decimal(0)) { $0 + $1.policyCredits }
                var cells: [Cell] = [.text(p.label), .text("All pools"), .empty, .number(m), .number(q), .number(q - m)]
                if let tm = total(p, \.metered), let tc = total(p, \.policyCost) {
                    cells += [.money(tm.amount), .money(tc.amount), .money(tc.amount - tm.amount)]
                }
                cells += extra(nil)
                t.rows.append(.init(cells, role: .total))
            }
        }
        return t
    }

    /// One row per policy, pool and day.
    var daysTable: Table {
        var columns: [Table.Column] = [
            .init(key: "policy", label: "Policy", kind: .text),
            .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "date", label: "Date", kind: .date),
            .init(key: "metered_credits", label: "Metered", kind: .credits),
            .init(key: "policy_credits", label: "Under the policy", kind: .credits),
        ]
        if let c = w.currency {
            columns += [.init(key: "metered_cost_\(c.code)", label: "Metered (\(c.code))", kind: .money(c)),
                        .init(key: "policy_cost_\(c.code)", label: "Under the policy (\(c.code))", kind: .money(c)),
                        .init(key: "policy_minus_metered_cost_\(c.code)", label: "Policy minus metered (\(c.code))",
                              kind: .money(c))]
        }
        // A row source: the rows are made from the results' days each time a writer reads them, never kept (a
        // year of 1,000 pools under two policies is 730,000 rows).
        let results = w.results
        let currency = w.currency
        let width = columns.count
        // One partition per result (a pool under a policy): writers may make several at once.
        var labels: [WhatIfPolicy: String] = [:]
        for r in results where labels[r.policy] == nil { labels[r.policy] = r.policy.label }
        let labelOf = labels
        return Table(id: "days", title: "Per day", columns: columns, source: RowSource(partitions: results.count) { i, body in
            do {
                let r = results[i]
                // The policy's label copied for the partition: one string shared by the threads that make partitions
                // at once would have its count of references changed by both for every row.
                let label = labelOf[r.policy] ?? r.policy.label
                let pool = Cell.text(r.pool), policy = Cell.text(String(decoding: Array(label.utf8), as: UTF8.self))
                for d in r.days {
                    var cells: [Cell] = [policy, pool, .date(d.date), .number(d.meteredCredits), .number(d.policyCredits)]
                    if let c = currency {
                        cells.reserveCapacity(width)
                        let m = d.metered?.amount ?? .zero(c), p = d.policy?.amount ?? .zero(c)
                        // p − m in 64-bit integers when both fit: the value of Money's `-`.
                        cells += [.money(m), .money(p), .money(Money(SavingsReportDocument.minus(p.amount, m.amount), c))]
                    }
                    body(.init(cells))
                }
            }
        })
    }

    /// Period, rate card, credit prices with their days and FX, price order, rounding, tool, command.
    var documentStamp: DocumentStamp {
        var lines: [DocumentStamp.Line] = [
            .init(key: "period", label: "Period", text: "\(w.from) to \(w.to)"),
            .init(key: "rate_card", label: "Rates", text: "rate card \(w.rateCardID) for the policies' node-hours."),
        ]
        for run in w.priceRuns {
            lines.append(.init(key: "credit_price", label: "Credit price", text: SavingsReportDocument.priceRunText(run) + "."))
        }
        if let c = w.currency {
            lines.append(.init(key: "price_order", label: "Price order", text: CreditPriceSchedule.orderDescription + "."))
            lines.append(.init(key: "rounding", label: "Rounding", text: "\(MoneyFormat.ruleDescription) (\(c.code) \(c.minorUnits))."))
        } else {
            lines.append(.init(key: "credit_price", label: "Credit price", text: "not priced: credits only."))
        }
        lines.append(.init(key: "tool", label: "Tool", text: "spcs-cost \(stamp.toolVersion)"))
        lines.append(.init(key: "command", label: "Command", text: stamp.commandLine, code: true))
        return DocumentStamp(
            from: w.from, through: w.to, rateCard: w.rateCardID,
            creditPrices: w.priceRuns.map(DocumentStamp.PriceRun.init(run:)),
            priceOrder: w.priced ? CreditPriceSchedule.orderDescription : nil,
            currency: w.currency ?? .usd, toolVersion: stamp.toolVersion, commandLine: stamp.commandLine, lines: lines)
    }
}

extension WhatIfInput {
    /// True when amounts were priced.
    var priced: Bool { currency != nil }
}
