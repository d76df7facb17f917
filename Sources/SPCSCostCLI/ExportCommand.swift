import ArgumentParser
import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostReports

extension FXTable.Lookup: ExpressibleByArgument {}
extension FocusVersion: ExpressibleByArgument {}

/// `spcs-cost export --focus`: the cache's metered charges (and, with pool shapes, an estimate of the same pools)
/// as FOCUS CSV files for finance tools: FOCUS 1.2, one row per pool, UTC day and charge kind with exact amounts
/// (default), or FOCUS 1.0 hourly rows (`--focus-version 1.0`).
struct ExportCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write metered charges from the cache as a FOCUS 1.2 CSV, daily (and an estimate file with --family/--pool).",
        discussion: """
            Example: spcs-cost export --focus --from 2024-04-01 --to 2024-04-30 --billing-account MYORG \
            --family CPU_X64_XS --region aws-ap-northeast-1 --currency JPY --fx-file Fixtures/fx/usdjpy-april-2024.csv

            FOCUS 1.2: one row per pool, UTC day and charge kind, amounts exact (the rows add up to the total). \
            --focus-version 1.0: the FOCUS 1.0 file, one row per pool and hour, each cost rounded. Prices are the \
            ledger's, per UTC day: --credit-price (a what-if), else the cache's RATE_SHEET_DAILY (or --rate-sheet \
            FILE in its place; carried forward and back; the overage row on overage days), else --contract-price, \
            else the on-demand price (--region, --edition) in force that day. FX: --fx, --fx-file (that day's rate).
            With --family or --pool, a second file prices the same pools always on, or under --business-hours.
            """)

    @Flag(help: "Write FOCUS CSV (the only export format).")
    var focus = false

    @Option(help: "FOCUS version: 1.2 (daily rows, exact amounts) or 1.0 (hourly rows, rounded costs, the file of earlier releases).")
    var focusVersion: FocusVersion = .v1_2

    @OptionGroup var days: DayRangeOptions

    @Option(help: "IANA zone of the period's calendar days.")
    var timezone: String = "UTC"

    @Option(help: "Folder for the export files.")
    var out: String = "Reports"

    @Option(help: ArgumentHelp("Format of the summary printed after the FOCUS files are written: \(DocumentWriters.names.joined(separator: ", ")). table, markdown, json and html print it to standard output; csv and xlsx write its files into --out beside the FOCUS files.", valueName: "format"))
    var format: String = "table"

    @Option(help: "BillingAccountId: your Snowflake organization name or contract number. Default: the rate sheet's CONTRACT_NUMBER.")
    var billingAccount: String?

    @Option(help: "The Snowflake account of the usage (SubAccountId); also picks its rows of --rate-sheet.")
    var account: String?

    @Option(help: "CSV export of ORGANIZATION_USAGE.RATE_SHEET_DAILY, used in place of the cache's pulled rate sheet.", completion: .file(extensions: ["csv"]))
    var rateSheet: String?

    @Option(help: "Contract price per credit, used where the rate sheet has no row (or without a rate sheet). Default: $SPCS_COST_CONTRACT_PRICE, else config.toml's [contract] price.")
    var contractPrice: Decimal?

    @Option(help: "Currency (ISO 4217) of --contract-price. Default: $SPCS_COST_CONTRACT_CURRENCY, config.toml's [contract] currency, else USD.")
    var contractCurrency: String?

    @Option(help: "First day (YYYY-MM-DD) of --contract-price. Default: every day.")
    var contractStart: CivilDate?

    @OptionGroup var plan: PlanOptions
    @OptionGroup var price: PriceOptions
    @OptionGroup var cacheOptions: CacheOptions

    func validate() throws {
        guard focus else { throw ValidationError("pass --focus: FOCUS CSV is the only export format.") }
        guard DocumentWriters.writer(format) != nil else {
            throw ValidationError("--format '\(format)' must be one of \(DocumentWriters.names.joined(separator: ", ")) (the summary's format; the export itself is FOCUS CSV).")
        }
    }

    func exportOptions(_ env: Environment) throws -> ExportOptions {
        let zone = try parseTimeZone(timezone, flag: "--timezone")
        var o = ExportOptions(from: days.first, to: days.last, timeZone: zone)
        o.defaultShape = try plan.defaultShape()
        o.poolShapes = try plan.shapes()
        o.plan = try plan.plan(defaultZone: zone)
        o.rateCardID = price.rateCard
        o.region = try configuredRegion(price.region, env)
        o.edition = price.edition ?? .standard
        o.creditPrice = price.creditPrice
        o.asOf = price.asOf
        o.currency = try configuredCurrency(price.currency, env)
        o.fx = try price.fx.map { try FXArgument.parse($0) }
        if let dated = try price.fxTable(env) { (o.fxTable, o.fxLookup) = (dated.table, dated.lookup) }
        o.focusVersion = focusVersion
        o.rateSheetFile = rateSheet
        o.account = account
        if let contractPrice {
            o.contractPrice = contractPrice
        } else if let configured = setting("contract.price", flag: nil, flagName: "--contract-price", env) {
            guard let price = Decimal(argument: configured.text), price > 0 else {
                throw SettingsError(place: configured.source, message: "contract price '\(configured.text)' is not a price",
                                    fix: "write the price per credit with a point, for example 2.60")
            }
            o.contractPrice = price
        }
        if let currency = setting("contract.currency", flag: contractCurrency, flagName: "--contract-currency", env) {
            guard let c = Currency(code: currency.text) else {
                guard currency.source == "--contract-currency" else {
                    throw SettingsError(place: currency.source, message: "contract currency '\(currency.text)' is not an ISO 4217 currency code",
                                        fix: "use a code such as USD, EUR or JPY")
                }
                throw ValidationError("--contract-currency '\(currency.text)' is not an ISO 4217 currency code; use a code such as USD, EUR or JPY.")
            }
            o.contractCurrency = c
        }
        o.contractStart = contractStart
        o.billingAccount = billingAccount
        return o
    }

    func execute(in env: Environment) async throws -> CommandOutput {
        let options = try exportOptions(env)
        let service = ExportService(env: env)
        let export = try service.build(options, cache: try cacheOptions.openExisting(env))
        let paths = try service.write(export, to: out)
        let files = paths.map { shortPath($0, env) }
        let document = Document.exportSummary(metered: export.metered, estimate: export.estimate, files: files,
                                              warnings: export.warnings,
                                              stamp: ReportStamp(toolVersion: SpcsCost.version, commandLine: env.commandLine))
        let warnings = export.warnings.map { "warning: \($0)\n" }.joined()
        let wrote = files.map { "wrote \($0)\n" }.joined()
        // Validated in validate(): the registry has the format.
        let writer = DocumentWriters.writer(format)!
        if writer.format == "table" { return CommandOutput(stdout: TableWriter().render(document) + "\n" + wrote, stderr: warnings) }
        let summaryFiles = writer.files(document)
        if writer.isText, summaryFiles.count == 1 {
            // The summary alone on standard output (a script reads it); the files written go to standard error.
            return CommandOutput(stdout: summaryFiles[0].text, stderr: warnings + wrote)
        }
        let written = try ReportService(env: env).write(document, formats: [writer.format], to: out)
        return CommandOutput(stdout: wrote + written.map { "wrote \(shortPath($0, env))\n" }.joined(), stderr: warnings)
    }
}
