import ArgumentParser
import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostReports

extension EstimateFormat: ExpressibleByArgument {}

/// `spcs-cost estimate`: credits and cost of a plan given by flags.
struct EstimateCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Estimate credits and cost: credits/h × nodes × hours × days × price per credit × FX.",
        discussion: """
            Example: spcs-cost estimate --family CPU_X64_XS --hours 10 --days 20 --rate-card 2024 \\
                       --region aws-ap-northeast-1 --currency JPY --fx 150
            The rate card is --rate-card, else the newest card in force on --as-of (default: today, UTC).
            The credit price table is chosen by --as-of alone.
            """)

    @Option(help: "Instance family, for example CPU_X64_XS.")
    var family: String

    @Option(help: "Billed hours per day (0-24).")
    var hours: Decimal

    @Option(help: "Number of days.")
    var days: Decimal

    @Option(help: "Nodes running (MIN_NODES).")
    var nodes: Int = 1

    @Option(help: "Region: aws-ap-northeast-1 or Snowflake's AWS_AP_NORTHEAST_1. Default: aws-us-east-1.")
    var region: String?

    @Option(name: .customLong("edition"), help: "Edition to price (repeatable): standard, enterprise, business-critical, vps. Default: Standard to Business Critical.")
    var editions: [Edition] = []

    @Option(help: "Price per credit in USD, replacing the price table.")
    var creditPrice: Decimal?

    @Option(help: "Presentation currency (ISO 4217), for example JPY.")
    var currency: String = "USD"

    @Option(help: "Units of --currency per USD, for example 150.")
    var fx: Decimal?

    @Option(help: "Rate card id (2026-04, 2024), replacing the choice by date.")
    var rateCard: String?

    @Option(help: "Date (YYYY-MM-DD) that chooses the rate card and price table. Default: today (UTC).")
    var asOf: CivilDate?

    @Option(name: .customLong("credits-per-hour"), help: "Credits per node-hour, replacing the rate card.")
    var creditsPerHour: Decimal?

    @Flag(help: "Compare with the same pool always on (24 h a day).")
    var compareAlwaysOn = false

    @Option(help: "Days of the always-on comparison. Default: the days of the --as-of month.")
    var periodDays: Int?

    @Option(help: "Output format: table, json, csv, markdown.")
    var format: EstimateFormat = .table

    func execute(in env: Environment) async throws -> CommandOutput {
        var options = EstimateOptions(family: family, hoursPerDay: hours, days: days)
        options.nodes = nodes
        options.region = region
        options.editions = editions
        options.creditPrice = creditPrice
        options.currency = try parseCurrency(currency)
        options.fxRate = fx
        options.rateCardID = rateCard
        options.asOf = asOf
        options.creditsPerNodeHour = creditsPerHour
        options.compareAlwaysOn = compareAlwaysOn
        options.periodDays = periodDays
        let result = try EstimateService(catalog: env.catalog).estimate(options, today: env.todayUTC)
        // Warnings are part of the table and Markdown; machine formats carry them inside (JSON) or on stderr (CSV).
        let stderr = format == .csv ? result.warnings.map { "warning: \($0)\n" }.joined() : ""
        return CommandOutput(stdout: EstimateReport.render(result, as: format), stderr: stderr)
    }
}
