import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `spcs-cost export --focus` (FOCUS 1.2, the default): daily rows per pool, UTC day and charge kind, exact
/// amounts, priced by the ledger. Each test checks a rule of the FOCUS 1.2 specification that focus-validator 2.2.1
/// does not check (.ci/focus-validate.sh runs the validator), citing the specification's section, on the bundled
/// fixture (Fixtures/snowsight/jupyterlab-april-2024.csv: 210 hourly rows of JUPYTER_POOL, COMPUTE_POOL_ID 1201,
/// 22.828666667 credits, 0.11 credits an hour but for a few partial hours).
@Suite struct FocusDailyExportTests {
    static let fixture = "Fixtures/snowsight/jupyterlab-april-2024.csv"
    static let fxFile = "Fixtures/fx/usdjpy-april-2024.csv"
    static let rateSheet = "Fixtures/rate-sheet/rate-sheet-daily-april-2024.csv"
    static func dec(_ text: String) -> Decimal { ExactDecimal.parse(text)! }

    /// A cache of the fixture; with `rateSheet`, the rate-sheet fixture's rows of account SPCS_DEV stored in it as
    /// `pull` stores RATE_SHEET_DAILY (`report` reads one account's sheet; the fixture holds two accounts).
    static func cache(_ dir: TemporaryDirectory, rateSheet: Bool = false) async throws -> String {
        let path = dir.path("cache.sqlite")
        _ = try await run(["import", fixture, "--cache", path])
        if rateSheet {
            let cache = try UsageCache(.path(path))
            let data = try Data(contentsOf: URL(fileURLWithPath: Self.rateSheet))
            let rows = try RateSheetFile.parse(data, file: Self.rateSheet).rows.filter { $0.accountName == "SPCS_DEV" }
            _ = try cache.load(.init(kind: "pull", source: "test", checksum: "rates", loadedAt: Date(timeIntervalSince1970: 1_714_500_000))) { writer in
                for row in rows { try writer.upsert(row) }
            }
        }
        return path
    }

    /// A FOCUS file read back: the header and the rows as dictionaries by column.
    struct File {
        let text: String
        let header: [String]
        let rows: [[String: String]]

        init(path: String) throws {
            text = try String(contentsOfFile: path, encoding: .utf8)
            let table = Self.parse(text)
            header = table[0]
            rows = table.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(table[0], $0)) }
        }

        /// RFC 4180 fields, every row including the header (CSV.swift, an independent reader).
        static func parse(_ text: String) -> [[String]] { csvRows(text) ?? [] }

        /// The exact decimal of `column` in `row` (every FOCUS 1.2 amount is written exactly).
        func decimal(_ row: [String: String], _ column: String) throws -> Decimal {
            let text = try #require(row[column], "no column \(column)")
            return try #require(ExactDecimal.parse(text), "\(column) '\(text)'")
        }
    }

    /// Runs `export --focus` on `cache` with `extra` flags; returns stdout and the metered (and estimate) file.
    static func export(_ dir: TemporaryDirectory, cache: String, _ extra: [String]) async throws
        -> (stdout: String, metered: File, estimate: File?) {
        let out = dir.path("focus-\(UUID().uuidString)")
        let result = try await run(["export", "--focus", "--from", "2024-04-01", "--to", "2024-04-30", "--out", out,
                                    "--cache", cache, "--region", "aws-ap-northeast-1"] + extra)
        let metered = try File(path: "\(out)/spcs-cost-focus_2024-04-01_2024-04-30_metered.csv")
        let estimatePath = "\(out)/spcs-cost-focus_2024-04-01_2024-04-30_estimate.csv"
        let estimate = FileManager.default.fileExists(atPath: estimatePath) ? try File(path: estimatePath) : nil
        return (result.stdout.replacingOccurrences(of: out, with: "<out>"), metered, estimate)
    }

    /// The USD export of the fixture (on-demand Standard Tokyo 2.85 USD, always-on estimate on rate card 2024).
    static func usd(_ dir: TemporaryDirectory) async throws -> (stdout: String, metered: File, estimate: File?) {
        try await export(dir, cache: try await cache(dir), ["--billing-account", "MYORG", "--account", "SPCS_DEV",
                                                            "--family", "CPU_X64_XS", "--rate-card", "2024"])
    }

    @Test func goldenFilesOfTheFixture() async throws {
        let dir = try TemporaryDirectory()
        let e = try await Self.usd(dir)
        assertSnapshot(e.stdout, named: "export-focus-1.2-usd.txt")
        assertSnapshot(e.metered.text, named: "spcs-cost-focus-1.2_2024-04-01_2024-04-30_metered.csv")
        assertSnapshot(try #require(e.estimate).text, named: "spcs-cost-focus-1.2_2024-04-01_2024-04-30_estimate.csv")
    }

    /// `--period 2024-04` is `--from 2024-04-01 --to 2024-04-30`, as in every command that takes days.
    @Test func periodIsTheSameAsFromAndTo() async throws {
        let dir = try TemporaryDirectory()
        let cache = try await Self.cache(dir)
        let a = try await Self.export(dir, cache: cache, ["--billing-account", "X"])
        let out = dir.path("by-period")
        _ = try await run(["export", "--focus", "--period", "2024-04", "--out", out, "--cache", cache,
                           "--region", "aws-ap-northeast-1", "--billing-account", "X"])
        #expect(try File(path: "\(out)/spcs-cost-focus_2024-04-01_2024-04-30_metered.csv").text == a.metered.text)
    }

    /// FOCUS 1.2 "BilledCost": the rows of a dataset add up to what is billed. The rows are exact, so their sum is
    /// the stated total exactly: 22.828666667 credits × 2.85 USD = 65.06170000095 USD (the 1.0 file's hourly rows,
    /// each rounded, summed to 64.36 USD).
    @Test func billedCostRowsAddUpToTheStatedTotalExactly() async throws {
        let dir = try TemporaryDirectory()
        let e = try await Self.usd(dir)
        var billed: Decimal = 0, credits: Decimal = 0
        for row in e.metered.rows {
            billed += try e.metered.decimal(row, "BilledCost")
            credits += try e.metered.decimal(row, "ConsumedQuantity")
            // EffectiveCost and ContractedCost equal BilledCost: no commitment discount, no amortisation.
            #expect(row["EffectiveCost"] == row["BilledCost"] && row["ContractedCost"] == row["BilledCost"])
        }
        #expect(credits == Self.dec("22.828666667"))
        #expect(billed == Self.dec("65.06170000095"))
        #expect(e.stdout.range(of: #"Metered +22\.83 +65\.06 +23 rows; exact 65\.06170000095\n"#, options: .regularExpression) != nil)
        // The always-on estimate: 30 days × 24 h × 0.11 credits = 79.2 credits × 2.85 USD = 225.72 USD.
        let estimate = try #require(e.estimate)
        let planned = try estimate.rows.reduce(Decimal(0)) { $0 + (try estimate.decimal($1, "BilledCost")) }
        #expect(planned == Self.dec("225.72") && estimate.rows.count == 30)
    }

    /// FOCUS 1.2 "ChargePeriodStart"/"ChargePeriodEnd" (inclusive start, exclusive end of the charge's period):
    /// daily rows span one UTC day, 00:00:00Z to the next day's 00:00:00Z. "BillingPeriodStart"/"BillingPeriodEnd":
    /// the calendar month (Snowflake bills by month), 2024-04-01T00:00:00Z to 2024-05-01T00:00:00Z.
    @Test func chargePeriodsAreUTCDaysAndTheBillingPeriodIsTheMonth() async throws {
        let dir = try TemporaryDirectory()
        let e = try await Self.usd(dir)
        let iso = ISO8601DateFormatter()
        for file in [e.metered, try #require(e.estimate)] {
            for row in file.rows {
                let start = try #require(iso.date(from: row["ChargePeriodStart"] ?? ""))
                let end = try #require(iso.date(from: row["ChargePeriodEnd"] ?? ""))
                #expect(row["ChargePeriodStart"]?.hasSuffix("T00:00:00Z") == true)
                #expect(end.timeIntervalSince(start) == 86400)
                #expect(row["BillingPeriodStart"] == "2024-04-01T00:00:00Z" && row["BillingPeriodEnd"] == "2024-05-01T00:00:00Z")
            }
        }
        #expect(e.metered.rows.first?["ChargePeriodStart"] == "2024-04-01T00:00:00Z")
        #expect(e.metered.rows.last?["ChargePeriodStart"] == "2024-04-30T00:00:00Z")
    }

    /// The export's grain (FOCUS 1.2 "Column: ChargePeriodStart", a row's charge period, and the ledger's key):
    /// one row per resource, UTC day and charge kind. ResourceId is COMPUTE_POOL_ID (FOCUS 1.2 "ResourceId: a
    /// unique identifier within the provider"; a pool re-created under the same name gets a new ID), ResourceName
    /// the pool's name.
    @Test func oneRowPerPoolDayAndKind() async throws {
        let dir = try TemporaryDirectory()
        let e = try await Self.usd(dir)
        let keys = e.metered.rows.map { "\($0["ResourceId"]!)|\($0["ChargePeriodStart"]!)|\($0["x_ChargeKind"]!)" }
        #expect(Set(keys).count == keys.count)
        #expect(e.metered.rows.allSatisfy { $0["ResourceId"] == "1201" && $0["ResourceName"] == "JUPYTER_POOL"
                && $0["x_ChargeKind"] == "compute" && $0["ResourceType"] == "Compute Pool" })
        // 23 UTC days with metered hours (no row for a day without usage: 6, 7, 14, 20, 21, 27 and 28 April).
        #expect(e.metered.rows.count == 23)
    }

    /// FOCUS 1.2 "ListCost" ("ListUnitPrice × PricingQuantity"), "ContractedCost" ("ContractedUnitPrice ×
    /// PricingQuantity"), "PricingCurrencyEffectiveCost" (in PricingCurrency), each exactly, on a JPY export whose
    /// prices are in USD: "BillingCurrency" JPY, "PricingCurrency" USD, and ContractedUnitPrice is the
    /// PricingCurrencyContractedUnitPrice converted with the day's FX (x_FXRate).
    @Test func unitPricesTimesQuantityAreTheCostsAndCurrenciesAreNamed() async throws {
        let dir = try TemporaryDirectory()
        let cache = try await Self.cache(dir, rateSheet: true)
        let e = try await Self.export(dir, cache: cache, ["--account", "SPCS_DEV", "--edition", "enterprise",
                                                          "--currency", "JPY", "--fx-file", Self.fxFile])
        let f = e.metered
        #expect(!f.rows.isEmpty)
        for row in f.rows {
            let q = try f.decimal(row, "PricingQuantity")
            #expect(row["ConsumedQuantity"] == row["PricingQuantity"])
            #expect(q * (try f.decimal(row, "ListUnitPrice")) == (try f.decimal(row, "ListCost")))
            #expect(q * (try f.decimal(row, "ContractedUnitPrice")) == (try f.decimal(row, "ContractedCost")))
            #expect(q * (try f.decimal(row, "PricingCurrencyContractedUnitPrice"))
                    == (try f.decimal(row, "PricingCurrencyEffectiveCost")))
            #expect((try f.decimal(row, "PricingCurrencyContractedUnitPrice")) * (try f.decimal(row, "x_FXRate"))
                    == (try f.decimal(row, "ContractedUnitPrice")))
            #expect(row["BillingCurrency"] == "JPY" && row["PricingCurrency"] == "USD" && row["x_PriceCurrency"] == "USD")
            #expect(row["PricingUnit"] == "Credits" && row["ConsumedUnit"] == "Credits")
        }
        // The contract's billing account comes from the rate sheet's CONTRACT_NUMBER when --billing-account is
        // not given.
        #expect(f.rows.allSatisfy { $0["BillingAccountId"] == "1234567" && $0["SubAccountId"] == "SPCS_DEV" })
    }

    /// The rows of the report's per-day table (JSON schema `spcs-cost.report/2`: `tables.days.rows`).
    static func reportDays(_ json: [String: Any]) throws -> [[String: Any]] {
        let tables = try #require(json["tables"] as? [String: Any])
        let days = try #require(tables["days"] as? [String: Any])
        return try #require(days["rows"] as? [[String: Any]])
    }

    /// The export and `report` price through one ledger: for the same cache (with RATE_SHEET_DAILY) and flags,
    /// the export's BilledCost of a pool and UTC day is the report's metered amount of that pool and day, to the
    /// last digit, every day of April.
    @Test func theExportsAmountIsTheReportsLedgerAmount() async throws {
        let dir = try TemporaryDirectory()
        let cache = try await Self.cache(dir, rateSheet: true)
        let flags = ["--region", "aws-ap-northeast-1", "--edition", "enterprise", "--currency", "JPY",
                     "--fx-file", Self.fxFile]
        let e = try await Self.export(dir, cache: cache, flags)
        let report = try await run(["report", "--from", "2024-04-01", "--to", "2024-04-30", "--timezone", "UTC",
                                    "--cache", cache, "--format", "json", "--out", "-", "--family", "CPU_X64_XS"] + flags)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let days = try Self.reportDays(json)
        var compared = 0
        for row in e.metered.rows {
            let day = String(row["ChargePeriodStart"]!.prefix(10))
            let r = try #require(days.first { $0["pool"] as? String == "JUPYTER_POOL" && $0["date"] as? String == day })
            let metered = try #require(r["metered_cost_JPY"] as? [String: Any])
            #expect(metered["amount"] as? String == row["BilledCost"], "\(day)")
            #expect(r["metered_credits"] as? String == row["ConsumedQuantity"], "\(day)")
            compared += 1
        }
        #expect(compared == 23)
    }

    /// A dated FX file whose rate changes mid-month (151.35 JPY per USD to 14 April, 153.20 from 15 April): each
    /// UTC day converts at its own rate, in the export and in `report --fx-file` (13 April, a Saturday with two
    /// metered hours, and 15 April, the next day with usage).
    @Test func aDatedFXFileWithAMidMonthChange() async throws {
        let dir = try TemporaryDirectory()
        let cache = try await Self.cache(dir)
        let e = try await Self.export(dir, cache: cache, ["--billing-account", "MYORG", "--currency", "JPY",
                                                          "--fx-file", Self.fxFile])
        let byDay = Dictionary(uniqueKeysWithValues: e.metered.rows.map { (String($0["ChargePeriodStart"]!.prefix(10)), $0) })
        let d13 = try #require(byDay["2024-04-13"]), d15 = try #require(byDay["2024-04-15"])
        #expect(d13["x_FXRate"] == "151.35" && d15["x_FXRate"] == "153.2")
        // 2.85 USD per credit: 2.85 × 151.35 = 431.3475 JPY on the 13th, 2.85 × 153.20 = 436.62 JPY on the 15th.
        #expect(d13["ContractedUnitPrice"] == "431.3475" && d15["ContractedUnitPrice"] == "436.62")
        #expect(try e.metered.decimal(d15, "BilledCost") == (try e.metered.decimal(d15, "ConsumedQuantity")) * Self.dec("436.62"))

        // report --fx-file: the stamp lists both rates with the days each applied.
        let report = try await run(["report", "--from", "2024-04-01", "--to", "2024-04-30", "--timezone", "UTC",
                                    "--cache", cache, "--format", "json", "--out", "-", "--family", "CPU_X64_XS",
                                    "--region", "aws-ap-northeast-1", "--currency", "JPY", "--fx-file", Self.fxFile])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let days = try Self.reportDays(json)
        for (day, rate) in [("2024-04-13", "431.3475"), ("2024-04-15", "436.62")] {
            let r = try #require(days.first { $0["pool"] as? String == "JUPYTER_POOL" && $0["date"] as? String == day })
            let metered = try #require(r["metered_cost_JPY"] as? [String: Any])
            let credits = Self.dec(try #require(r["metered_credits"] as? String))
            #expect(metered["amount"] as? String == ExactDecimal.text(credits * Self.dec(rate)), "\(day)")
        }
        #expect(report.stdout.contains("151.35") && report.stdout.contains("153.2"))
    }

    /// `--fx-lookup` chooses rows of `--fx-file`: alone, it is a usage error (exit 64) in every command of the shared
    /// price options.
    @Test func fxLookupNeedsAnFXFile() async throws {
        let dir = try TemporaryDirectory()
        let cache = try await Self.cache(dir)
        for command in [["report", "--from", "2024-04-01", "--to", "2024-04-30", "--out", dir.path("r")],
                        ["export", "--focus", "--from", "2024-04-01", "--to", "2024-04-30", "--billing-account", "X",
                         "--out", dir.path("e")]] {
            do {
                _ = try await run(command + ["--cache", cache, "--fx-lookup", "monthly"])
                Issue.record("expected an error for \(command[0])")
            } catch {
                #expect(ExitStatus.code(for: error) == 64 && "\(error)".contains("--fx-lookup chooses rows of --fx-file"))
            }
        }
    }

    /// `--focus-version 1.0` keeps the FOCUS 1.0 file: hourly rows, the 1.0 column names, costs rounded.
    @Test func version10KeepsTheHourlyFile() async throws {
        let dir = try TemporaryDirectory()
        let e = try await Self.export(dir, cache: try await Self.cache(dir), ["--billing-account", "MYORG",
                                                                              "--focus-version", "1.0"])
        #expect(e.metered.rows.count == 210)
        #expect(e.metered.header.contains("Provider") && !e.metered.header.contains("ProviderName"))
        #expect(e.metered.rows.first?["BilledCost"] == "0.31" && e.metered.rows.first?["ResourceId"] == "JUPYTER_POOL")
        #expect(e.stdout.hasPrefix("FOCUS 1.0 export: 2024-04-01 to 2024-04-30\n"))
        #expect(e.stdout.contains("FOCUS 1.0 (hourly rows, each cost rounded)"))
    }
}
