import Foundation
import SPCSCostCore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostReports

/// Golden files for every output format (Tests/SPCSCostReportsTests/Snapshots; RECORD_SNAPSHOTS=1 re-records).
@Suite struct GoldenTests {
    static let card = RateCard(id: "2024", title: "Test card", effectiveFrom: CivilDate("2024-04-01")!,
                               documentedThrough: CivilDate("2024-04-30")!, clouds: [.aws], source: "test source",
                               rates: [])
    static let prices = [Edition.standard, .enterprise, .businessCritical].map { e in
        CreditPrice(edition: e, price: Money(["standard": Decimal(string: "2.85")!, "enterprise": Decimal(string: "4.30")!,
                                              "business-critical": Decimal(string: "5.70")!][e.rawValue]!, .usd),
                    source: "table test, Tokyo, \(e.displayName)")
    }
    static let fx = ExchangeRate(base: .usd, quote: .jpy, rate: 150, source: "--fx")

    static func estimate() -> EstimateResult {
        let plan = FlatPlan(family: InstanceFamily("CPU_X64_XS")!, nodes: 1, hoursPerDay: 10, days: 20)
        let line = plan.line(creditsPerNodeHour: Decimal(string: "0.11")!, rateSource: "rate card 2024, CPU_X64_XS")
        let p = PoolEstimate(pool: nil, family: plan.family, nodes: 1, lines: [line], prices: prices, fx: fx)
        let a = plan.alwaysOn(periodDays: 30)
        let ap = PoolEstimate(pool: nil, family: plan.family, nodes: 1,
                              lines: [a.line(creditsPerNodeHour: Decimal(string: "0.11")!, rateSource: "rate card 2024, CPU_X64_XS", item: "Always on")],
                              prices: prices, fx: fx)
        return EstimateResult(asOf: CivilDate("2026-11-29")!, rateCard: card, priceTable: nil, region: nil, fx: fx,
                              pools: [p], savings: [Savings(plan: p, alwaysOn: ap, periodDays: 30)],
                              warnings: ["a test warning."])
    }

    static let estimateStamp = ReportStamp(toolVersion: "0.0.0-golden", commandLine: "spcs-cost estimate --test")

    /// The hand-computed plan's document: 0.11 credits/h × 10 h × 20 days = 22 credits, × 2.85 to 5.70 USD × 150 JPY
    /// = 9,405 to 18,810 JPY; always on 0.11 × 24 h × 30 days = 79.2 credits = 33,858 to 67,716 JPY.
    static func estimateDocument() -> Document { Document.estimate(estimate(), stamp: estimateStamp) }

    /// Two pools of 1 credit each at 2.85 USD × 150 JPY = 427.5 JPY, each rounded half-even to 428 (856 together),
    /// while the total 855 JPY rounds to 855: a rounding line of −1 JPY.
    static func twoPoolEstimate() -> Document {
        let standard = [prices[0]]
        let pools = ["A_POOL", "B_POOL"].map { name in
            let plan = FlatPlan(family: InstanceFamily("CPU_X64_XS")!, nodes: 1, hoursPerDay: 10, days: 1)
            return PoolEstimate(pool: name, family: plan.family, nodes: 1,
                                lines: [plan.line(creditsPerNodeHour: Decimal(string: "0.1")!, rateSource: "test rate")],
                                prices: standard, fx: fx)
        }
        let r = EstimateResult(asOf: CivilDate("2026-11-29")!, rateCard: card, priceTable: nil, region: nil, fx: fx,
                               pools: pools, savings: [], warnings: ["two pools <b>priced</b> & \"rounded\"."])
        return Document.estimate(r, stamp: estimateStamp)
    }

    /// One set of goldens for the estimate's document: every text file of every writer.
    @Test func estimateFiles() throws {
        let d = Self.estimateDocument()
        let files = DocumentWriters.all.flatMap { $0.files(d) }
        let base = "spcs-cost-estimate_2026-11-29"
        #expect(files.map(\.name) == ["\(base).txt", "\(base)_summary.csv", "\(base)_lines.csv", "\(base)_costs.csv",
                                      "\(base)_notes.csv", "\(base).md", "\(base).json", "\(base).html", "\(base).xlsx"])
        for f in files where !f.name.hasSuffix(".xlsx") { assertSnapshot(f.text, named: f.name) }
        let two = Self.twoPoolEstimate()
        for f in DocumentWriters.all.flatMap({ $0.files(two) }) where f.name.hasSuffix(".txt") || f.name.hasSuffix(".json") {
            assertSnapshot(f.text, named: "two-pools-" + f.name)
        }
    }

    /// The hand-computed figures, exact in every format: 9,405 to 18,810 JPY for the plan, 33,858 to 67,716 JPY
    /// always on, at 2.85 to 5.70 USD per credit and 150 JPY per USD, from rate card 2024.
    @Test func estimateFiguresInEveryFormat() throws {
        let d = Self.estimateDocument()
        for w in DocumentWriters.all {
            let text = w.format == "xlsx" ? try XLSXWriterTests.allText(w.files(d)[0].data) : w.files(d).map(\.text).joined()
            let people = ["9,405", "18,810", "33,858", "67,716"]
            let machines = ["9405", "18810", "33858", "67716"]
            for (h, m) in zip(people, machines) {
                #expect(text.contains(h) || text.contains(m), "\(w.format) does not show \(h)")
            }
            for fact in ["2.85", "5.70", "150", "rate card 2024", "0.11", "a test warning.", "spcs-cost estimate --test"] {
                #expect(text.contains(fact), "\(w.format) does not state \(fact)")
            }
        }
        let figures = Dictionary(uniqueKeysWithValues: d.figures.map { ($0.key, $0.amount) })
        #expect(figures["plan_standard"] == Money(9405, .jpy) && figures["plan_business_critical"] == Money(18810, .jpy))
        #expect(figures["always_on_standard"] == Money(33858, .jpy) && figures["always_on_business_critical"] == Money(67716, .jpy))
        #expect(figures["saved_vs_always_on_standard"] == Money(24453, .jpy))   // 33,858 − 9,405
    }

    @Test func estimateJSONHasTheSchemaAndExactAmounts() throws {
        let text = try #require(JSONDocumentWriter().files(Self.estimateDocument()).first).text
        #expect(text.hasPrefix("{\n  \"schema\" : \"spcs-cost.estimate/2\","))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let figures = try #require(object["figures"] as? [String: Any])
        let plan = try #require(figures["planStandard"] as? [String: Any])
        #expect(plan["credits"] as? String == "22" && plan["amount"] as? String == "9405" && plan["currency"] as? String == "JPY")
        let costs = try #require(((object["tables"] as? [String: Any])?["costs"] as? [String: Any])?["rows"] as? [[String: Any]])
        #expect(costs.filter { $0["scenario"] as? String == "plan" }.map { ($0["cost_JPY"] as? [String: Any])?["rounded"] as? String }
                == ["9405", "14190", "18810"])
        #expect((costs[0]["credit_price_USD"] as? [String: Any])?["amount"] as? String == "2.85")
        #expect((costs[0]["cost_USD"] as? [String: Any])?["amount"] as? String == "62.7")
        #expect((object["stamp"] as? [String: Any])?["rateCard"] as? String == "2024")
    }

    /// Every command-line flag in the Markdown is inside a code span, so no renderer (pandoc's smart punctuation)
    /// turns `--credit-price` into an en dash: with the code spans taken out, no `--flag` is left.
    @Test func markdownFlagsAreCodeSpans() throws {
        var d = try Self.document()
        d.warnings.append("pass --credit-price 2.60 or --pool NAME=FAMILY; a range 1--2 is not a flag.")
        d.notes.append("--fx first, then --fx-file.")
        for doc in [d, Self.estimateDocument()] {
            let md = MarkdownWriter().render(doc)
            #expect(md.contains("`--credit-price`") || doc.kind == "estimate")
            let outside = md.replacingOccurrences(of: #"`[^`\n]*`"#, with: "", options: .regularExpression)
            #expect(outside.range(of: #"(?<![A-Za-z0-9_-])--[a-z]"#, options: .regularExpression) == nil,
                    "a flag outside a code span in the \(doc.kind) Markdown")
        }
    }

    @Test func twoPoolsMissingTheirRoundedTotalGetARoundingLine() throws {
        let d = Self.twoPoolEstimate()
        #expect(d.roundingLines.count == 1)
        #expect(d.roundingLines.first?.sumOfRoundedRows == Money(856, .jpy) && d.roundingLines.first?.total == Money(855, .jpy))
        #expect(d.roundingLines.first?.difference == Money(-1, .jpy))
    }

    /// The savings report of the golden files: two pools over 2024-04-01 (a Monday) to 2024-04-03 in Tokyo, with an
    /// estimate per pool and day, its difference by cause, a provisional last day, a plan, a month-to-date forecast
    /// and a dated FX rate. At 2.85 USD × 150 JPY per USD a credit costs 427.5 JPY.
    /// - JUPYTER_POOL (1 node): metered 10 hours × 0.11 on 04-01 and 1 hour on 04-03 = 1.21 credits; estimated
    ///   0.99 a day = 2.97; difference −1.76 = scheduled −1.87 (−0.99 on 04-02, −0.88 on 04-03) + tail 0.11.
    /// - API_POOL (3 nodes): metered 0.33 on 04-01; estimated 0.2; difference 0.13 = off-hours 0.101 + unexplained
    ///   0.029 (43 + 12 JPY rounded one by one, 56 JPY rounded once: the report says so).
    /// - Totals: metered 1.54 credits (658.35 → 658 JPY); estimate 3.17 (1,355.175 → 1,355 JPY); difference −1.63
    ///   (−696.825 → −697 JPY, −51.4 % of the estimate); always on (1 + 3 nodes) × 72 h × 0.11 = 31.68 credits;
    ///   plan (1 + 3 nodes) × 27 h × 0.11 = 11.88 credits.
    static func savingsReport() throws -> SavingsReport {
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        let start = ISO8601DateFormatter().date(from: "2024-04-01T01:00:00Z")!
        func row(_ pool: String, hour: Int, nanoCredits: Int64) -> UsageRecord {
            UsageRecord(startTime: start.addingTimeInterval(Double(hour) * 3600),
                        endTime: start.addingTimeInterval(Double(hour + 1) * 3600), computePoolName: pool,
                        creditsUsed: NanoCredits(nanoCredits))
        }
        let rows = (0..<10).map { row("JUPYTER_POOL", hour: $0, nanoCredits: 110_000_000) }
            + [row("JUPYTER_POOL", hour: 48, nanoCredits: 110_000_000), row("API_POOL", hour: 0, nanoCredits: 330_000_000)]
        // The ledger's parts: per pool, local (Tokyo) day and UTC day.
        var parts: [String: MeteredPart] = [:]
        for r in rows {
            let local = CivilDate.of(r.startTime, in: tokyo).daysSinceEpoch
            let utc = CivilDate.of(r.startTime, in: TimeZone(identifier: "UTC")!).daysSinceEpoch
            let key = "\(r.computePoolName) \(local) \(utc)"
            var p = parts[key] ?? MeteredPart(pool: r.computePoolName, localDay: local, utcDay: utc, nanoCredits: 0, hours: 0)
            p.nanoCredits += r.creditsUsed.value
            p.hours += 1
            parts[key] = p
        }
        let schedule = try CreditPriceSchedule(rateSheet: nil, account: nil, contract: nil,
                                               list: .init(price: prices[0], effectiveFrom: CivilDate("2024-04-01")!))
        let fx = FXBook(fixed: [.init(pair: .init(base: .usd, quote: .jpy), rate: 150, source: "fx.csv line 2")])
        let pricing = Pricing(currency: .jpy, schedule: schedule, fx: fx)
        var rates = try pricing.rates(for: CivilDate("2024-03-31")!...CivilDate("2024-04-03")!)
        let day1 = CivilDate("2024-04-01")!
        let estimated: [String: [Decimal]] = ["JUPYTER_POOL": [dec("0.99"), dec("0.99"), dec("0.99")],
                                              "API_POOL": [dec("0.2"), 0, 0]]
        let causes: [String: [VarianceCause: Decimal]] = [
            "JUPYTER_POOL": [.scheduled: dec("-1.87"), .autoSuspendTail: dec("0.11")],
            "API_POOL": [.offHoursResume: dec("0.101"), .unexplained: dec("0.029")],
        ]
        var estimates: [String: [CivilDate: (credits: Decimal, causes: [VarianceCause: Decimal])]] = [:]
        for (pool, days) in estimated {
            for (i, credits) in days.enumerated() {
                estimates[pool, default: [:]][day1.adding(days: i)] = (credits, i == 0 ? causes[pool]! : [:])
            }
        }
        func setup(_ pool: String, _ family: String, _ nodes: Int) -> ReportPoolSetup {
            ReportPoolSetup(pool: pool, shape: PoolShape(family: InstanceFamily(family)!, nodes: nodes),
                            shapeSource: "test", creditsPerNodeHour: dec("0.11"), rateSource: "test",
                            lifetime: .unbounded, planned: true)
        }
        var report = try SavingsReport.build(
            metered: parts.values.sorted { ($0.pool, $0.localDay) < ($1.pool, $1.localDay) },
            from: day1, through: CivilDate("2024-04-03")!, zone: tokyo, currency: .jpy,
            pools: [setup("API_POOL", "CPU_X64_S", 3), setup("JUPYTER_POOL", "CPU_X64_XS", 1)],
            estimates: estimates,
            plan: BusinessHours(startSecondOfDay: 36000, endSecondOfDay: 68400,
                                weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: tokyo),
            rateCardID: "2024", rates: &rates, warnings: ["a test warning with <b>markup</b> & \"quotes\"."])
        // The whole bill over the UTC days wholly inside the Tokyo period (04-01 and 04-02), at AWS Tokyo's unit
        // prices (Consumption Table 2026-04-01, Table 3(c) and 4(a)) converted at 150 JPY per USD:
        // JUPYTER_POOL 100 GiB both days: 100/1024 × 98.31/30 × 150 = 48.00 JPY a day; a 20 GiB snapshot of
        // JUPYTER_SVC on 04-02: 20/1024 × 51.20/30 × 150 = 5 JPY; 1 TB of internal transfer of API_POOL on 04-01:
        // 3.07 × 150 = 460.5 JPY, less the lower of that and 10 % of 04-01's compute (JUPYTER_POOL 01:00-10:00 UTC
        // 10 × 0.11 and API_POOL 0.33 = 1.43 credits × 2.85 × 150 = 611.325 JPY; a tenth 61.1325).
        let gib: Decimal = 1_073_741_824, tb: Decimal = 1_099_511_627_776
        let unitTable = UnitPriceTable(
            id: "2026-04", title: "test", effectiveFrom: CivilDate("2026-04-01")!, currency: .usd, source: "test",
            units: .init(bytesPerTB: tb, monthDays: "calendar", throughputMiBPerSecondPerGBPerSecond: 1024, about: "test"),
            regions: [.init(region: RegionID("aws-ap-northeast-1")!, name: "AWS AP Northeast 1 (Tokyo)",
                            cloudRegion: "ap-northeast-1", transferBilled: true,
                            prices: [.blockStorageVolume: dec("98.31"), .snapshot: dec("51.20"),
                                     .transferSPCSSameRegion: dec("3.07")])])
        let unitPricing = Pricing(currency: .jpy, schedule: schedule, fx: fx,
                                  unitPrices: UnitPriceBook(region: RegionID("aws-ap-northeast-1")!, tables: [unitTable]))
        let utcDays = CivilDate("2024-04-01")!...CivilDate("2024-04-02")!
        var computeByDay: [CivilDate: Money] = [:]
        for p in parts.values where utcDays.contains(CivilDate(daysSinceEpoch: p.utcDay)) {
            let d = CivilDate(daysSinceEpoch: p.utcDay)
            computeByDay[d] = (computeByDay[d] ?? .zero(.jpy))
                + (try rates.charge(NanoCredits(p.nanoCredits).credits, onUTCDay: p.utcDay)).amount
        }
        let input = CurrencyBilledParts.Input(
            storage: [BlockStorageRecord(usageDate: CivilDate("2024-04-01")!, storageType: "BLOCK_STORAGE",
                                         poolName: "JUPYTER_POOL", poolID: 1, bytes: 100 * gib),
                      BlockStorageRecord(usageDate: CivilDate("2024-04-02")!, storageType: "BLOCK_STORAGE",
                                         poolName: "JUPYTER_POOL", poolID: 1, bytes: 100 * gib),
                      BlockStorageRecord(usageDate: CivilDate("2024-04-02")!, storageType: "SNAPSHOT", poolName: nil,
                                         poolID: nil, bytes: 20 * gib)],
            snapshots: [BlockStorageSnapshotRecord(snapshotID: "1", name: "SNAP", serviceName: "JUPYTER_SVC",
                                                   volumeName: "data", sizeGB: 20,
                                                   createdOn: ISO8601DateFormatter().date(from: "2024-03-30T00:00:00Z"),
                                                   deletedOn: nil)],
            internalTransfer: [InternalTransferRecord(startTime: start, endTime: start.addingTimeInterval(3600),
                                                      transferType: "SERVICE_FUNCTION", poolName: "API_POOL", bytes: tb)])
        let priced = try CurrencyBilledParts.price(input, computeByUTCDay: computeByDay, pricing: unitPricing, days: utcDays)
        for i in report.days.indices { report.days[i].provisional = report.days[i].date == CivilDate("2024-04-03")! }
        // The scheduling tasks: two warehouse hours of RESUME_API_POOL (a whole hour's 0.1671 credits, and a quarter
        // of a shared hour's 0.4) and one serverless range of SUSPEND_API_POOL (0.00025 credits), all API_POOL's, so
        // the per-pool table sets them against API_POOL's saving.
        func share(_ task: String, _ warehouse: String?, _ iso: String, _ credits: String, _ fraction: String)
            -> TaskWarehouseAttribution.Share {
            TaskWarehouseAttribution.Share(organization: "", account: "", task: task, warehouse: warehouse,
                                           kind: warehouse == nil ? .serverless : .warehouse,
                                           periodStart: ISO8601DateFormatter().date(from: iso)!, credits: dec(credits),
                                           fraction: dec(fraction), pool: "API_POOL")
        }
        report.setTasks(try TaskCosts.priced([
            share("OPS.PUBLIC.RESUME_API_POOL", "TASKS_WH", "2024-03-31T23:00:00Z", "0.1671", "1"),
            share("OPS.PUBLIC.RESUME_API_POOL", "TASKS_WH", "2024-04-01T23:00:00Z", "0.1", "0.25"),
            share("OPS.PUBLIC.SUSPEND_API_POOL", nil, "2024-04-01T10:00:00Z", "0.00025", "1"),
        ], runs: 4, tailSeconds: 600, rates: &rates))
        // The whole bill adds the tasks' credits as two lines of their own: 0.1671 + 0.1 = 0.2671 warehouse credits and
        // 0.00025 serverless credits, at 2.85 USD × 150 JPY = 427.5 JPY a credit: 114.18525 JPY and 0.106875 JPY.
        report.wholeBill = WholeBill(compute: report.metered, rows: priced.rows, tasks: report.tasks!.rows, days: utcDays,
                                     bytesPerTB: tb, notes: priced.notes)
        report.dataChecksum = String(repeating: "ab", count: 32)
        report.rowCount = rows.count
        return report
    }

    static let stamp = ReportStamp(toolVersion: "0.0.0-golden", commandLine: "spcs-cost report --test")

    static func dec(_ text: String) -> Decimal { ExactDecimal.parse(text)! }

    /// The golden report's document.
    static func document() throws -> Document { Document.savingsReport(try savingsReport(), stamp: stamp) }

    /// Every file of every format of the golden report's document, in registry order.
    static func files() throws -> [DocumentFile] {
        let d = try document()
        return DocumentWriters.all.flatMap { $0.files(d) }
    }

    /// The file whose name ends in `suffix`.
    static func file(_ suffix: String) throws -> DocumentFile {
        try #require(try files().first { $0.name.hasSuffix(suffix) })
    }

    /// One set of goldens for the report's document: every text file of every writer (the xlsx is checked by
    /// XLSXWriterTests, which unzips it).
    @Test func savingsReportFiles() throws {
        let files = try Self.files()
        let base = "spcs-cost-report_2024-04-01_2024-04-03"
        #expect(files.map(\.name) == [
            "\(base).txt",
            "\(base)_summary.csv", "\(base)_difference_by_cause.csv", "\(base)_top_pools.csv", "\(base)_month.csv",
            "\(base)_tasks.csv", "\(base)_whole_bill.csv", "\(base)_pools.csv", "\(base)_pools_detail.csv", "\(base)_days.csv",
            "\(base)_whole_bill_lines.csv", "\(base)_notes.csv",
            "\(base).md", "\(base).json", "\(base).html", "\(base).xlsx",
        ])
        for f in files where !f.name.hasSuffix(".xlsx") { assertSnapshot(f.text, named: f.name) }
    }

    /// Two reports built apart from the same inputs give the same bytes in every format, xlsx included: no clock,
    /// no random ids, no dictionary order.
    @Test func sameInputsGiveTheSameBytes() throws {
        #expect(try Self.files() == (try Self.files()))
    }

    @Test func everyFormatIsStamped() throws {
        let d = try Self.document()
        for w in DocumentWriters.all {
            let text = w.format == "xlsx" ? try XLSXWriterTests.allText(w.files(d)[0].data) : w.files(d).map(\.text).joined()
            for fact in ["2024", "2.85", "150", "fx.csv line 2", "2024-03-31", String(repeating: "ab", count: 32), "12",
                         "half-even", "spcs-cost report --test", "0.0.0-golden"] {
                #expect(text.contains(fact), "\(w.format) does not state \(fact)")
            }
        }
    }

    @Test func htmlIsSelfContainedWithOneChartPerPool() throws {
        let html = try Self.file(".html").text
        #expect(!html.lowercased().contains("<script"))
        #expect(html.range(of: #"(src|href)\s*=\s*["']?\s*(https?:)?//"#, options: [.regularExpression, .caseInsensitive]) == nil)
        #expect(!html.contains("<link") && !html.contains("@import") && !html.contains("url("))
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)
        #expect(html.components(separatedBy: "</svg>").count - 1 == 2)
        #expect(html.contains("a test warning with &lt;b&gt;markup&lt;/b&gt; &amp; &quot;quotes&quot;."))
        #expect(!html.contains("<b>markup"))
        // JUPYTER_POOL has an estimate, so its chart sets metered against it; the provisional day is marked.
        #expect(html.contains("<title>2024-04-03 (provisional): estimated 0.99 credits</title>"))
        #expect(html.contains("class=\"metered provisional\""))
        #expect(html.contains("(credits per day)"))
        // Each chart labels its axes: the unit along the values, the month along the days.
        #expect(html.components(separatedBy: "<text class=\"axis-label\"").count - 1 == 4)
        #expect(html.contains(">credits per day</text>") && html.contains(">day of 2024-04</text>"))
        // Print CSS: landscape pages whose header rows repeat.
        #expect(html.contains("@page { size: A4 landscape;") && html.contains("thead { display: table-header-group; }"))
    }

    @Test func csvFilesAreRFC4180WithOneHeaderRow() throws {
        for f in try Self.files() where f.name.hasSuffix(".csv") {
            #expect(f.text.hasSuffix("\r\n") && !f.text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
            let rows = Self.parseCSV(f.text)
            #expect(rows.count > 1)
            #expect(rows.allSatisfy { $0.count == rows[0].count }, "\(f.name): rows of unequal length")
        }
        let days = Self.parseCSV(try Self.file("_days.csv").text)
        let provisional = try #require(days[0].firstIndex(of: "provisional"))
        #expect(days.dropFirst().map { $0[provisional] } == ["false", "false", "false", "false", "true", "true"])
        let notes = Self.parseCSV(try Self.file("_notes.csv").text)
        #expect(notes[0] == ["kind", "item", "text"])
        #expect(notes.contains { $0[0] == "stamp" && $0[1] == "command" && $0[2] == "Command: spcs-cost report --test" })
    }

    /// RFC 4180 fields, every row including the header (CSV.swift, an independent reader).
    static func parseCSV(_ text: String) -> [[String]] { csvRows(text) ?? [] }

    @Test func theSummaryForFinance() throws {
        func table(_ suffix: String) throws -> [[String]] { Self.parseCSV(try Self.file(suffix).text) }
        let summary = try table("_summary.csv")
        func cell(_ rows: [[String]], _ match: [String: String], _ column: String) -> String? {
            let header = rows[0]
            guard let c = header.firstIndex(of: column) else { return nil }
            return rows.dropFirst().first { row in match.allSatisfy { k, v in header.firstIndex(of: k).map { row[$0] } == v } }?[c]
        }
        #expect(cell(summary, ["item": "metered"], "credits") == "1.54" && cell(summary, ["item": "metered"], "cost_JPY") == "658")
        #expect(cell(summary, ["item": "estimated"], "cost_JPY") == "1355")
        #expect(cell(summary, ["item": "difference"], "credits") == "-1.63" && cell(summary, ["item": "difference"], "cost_JPY") == "-697")
        #expect(cell(summary, ["item": "difference"], "percent") == "-51.4")
        #expect(cell(summary, ["item": "saved_vs_always_on"], "credits") == "30.14")
        #expect(cell(summary, ["item": "saved_vs_plan"], "credits") == "10.34")
        let causes = try table("_difference_by_cause.csv")
        #expect(cell(causes, ["pool": "JUPYTER_POOL", "cause": "scheduled"], "credits") == "-1.87")
        #expect(cell(causes, ["pool": "API_POOL", "cause": "total"], "cost_JPY") == "56")
        #expect(cell(try table("_top_pools.csv"), ["rank": "1", "pool": "JUPYTER_POOL"], "share_of_metered") == "78.6")   // 1.21 ÷ 1.54
        #expect(cell(try table("_month.csv"), ["item": "month_to_date"], "days") == "3")
        let notes = try table("_notes.csv")
        #expect(notes.contains { $0[0] == "note" && $0[1] == "provisional" && $0[2].hasPrefix("1 day may still change (2024-04-03): 0.11 credits") })
        // API_POOL's causes (43 + 12 JPY, each rounded once) miss its difference rounded once (56 JPY): a rounding line.
        #expect(notes.contains { $0[0] == "rounding" && $0[1] == "difference_by_cause.API_POOL" })
        let md = try Self.file(".md").text
        #expect(md.contains("| JUPYTER_POOL | Auto-suspend tail |") && md.contains("| Off-hours use (AUTO_RESUME) |"))
        #expect(md.contains("| API_POOL | Rounding |  | 1 |"))
    }

    @Test func jsonHasTheSchemaAndExactAndRoundedAmounts() throws {
        let text = try Self.file(".json").text
        #expect(text.hasPrefix("{\n  \"schema\" : \"spcs-cost.report/2\","))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let figures = try #require(object["figures"] as? [String: Any])
        let metered = try #require(figures["metered"] as? [String: Any])
        #expect(metered["credits"] as? String == "1.54" && metered["amount"] as? String == "658.35"
            && metered["rounded"] as? String == "658" && metered["currency"] as? String == "JPY")
        let tables = try #require(object["tables"] as? [String: Any])
        let causes = try #require((tables["difference_by_cause"] as? [String: Any])?["rows"] as? [[String: Any]])
        #expect(Set(causes.map { $0["pool"] as? String }) == ["API_POOL", "JUPYTER_POOL"])
        let stamp = try #require(object["stamp"] as? [String: Any])
        let prices = try #require(stamp["creditPrices"] as? [[String: Any]])
        #expect(stamp["dataRows"] as? Int == 12 && prices.count == 1
            && (prices[0]["fx"] as? [String: Any])?["rate"] as? String == "150")
        let days = try #require((tables["days"] as? [String: Any])?["rows"] as? [[String: Any]])
        #expect(days.count == 6 && days.last?["provisional"] as? Bool == true)
        let cost = try #require(days.first?["metered_cost_JPY"] as? [String: Any])
        #expect(cost["currency"] as? String == "JPY" && cost["amount"] != nil && cost["rounded"] != nil)
        #expect((object["roundingLines"] as? [[String: Any]])?.isEmpty == false)
    }
}
