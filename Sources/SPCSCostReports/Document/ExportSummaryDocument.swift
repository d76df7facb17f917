import Foundation
import SPCSCostCore

extension Document {
    /// The summary `spcs-cost export` prints after writing its FOCUS files, as one document: a headline figure per
    /// file (rows in the note, credits, BilledCost exact), a table of the files, the grain and zone as notes, a
    /// rounding line per FOCUS 1.0 file whose rows, each rounded once, miss the total rounded once, and the stamp.
    /// - Parameters:
    ///   - metered: the metered dataset.
    ///   - estimate: the planned dataset; nil when no pool shape was given.
    ///   - files: the files written, parallel to `[metered, estimate]` (the table shows their names, without folder).
    ///   - warnings: notes on the choices made (rate card, price table, overrides).
    public static func exportSummary(metered: FocusDataset, estimate: FocusDataset?, files: [String],
                                     warnings: [String], stamp: ReportStamp) -> Document {
        let datasets = [metered] + (estimate.map { [$0] } ?? [])
        let cur = metered.billingCurrency
        func label(_ d: FocusDataset) -> String { d.kind == .metered ? "Metered" : "Estimate (\(d.plan ?? ""))" }
        let grain = metered.version == .v1_0 ? "hourly rows, each cost rounded"
            : "daily rows per pool, UTC day and charge kind, exact amounts that add up to the total"
        var notes = ["FOCUS \(metered.version.rawValue) (\(grain)); calendar days in \(metered.zone.displayName); "
            + "BillingCurrency \(cur.code)."]
        if estimate == nil {
            notes.append("No estimate file: pass --family F or --pool NAME=FAMILY to price the same pools always on "
                + "or under --business-hours.")
        }
        var table = Table(id: "files", title: "Files", columns: [
            .init(key: "dataset", label: "Dataset", kind: .text),
            .init(key: "file", label: "File", kind: .text),
            .init(key: "rows", label: "Rows", kind: .integer),
            .init(key: "credits", label: "Credits", kind: .credits),
            .init(key: "billed_cost_\(cur.code)", label: "BilledCost (\(cur.code))", kind: .money(cur)),
        ])
        var rounding: [Document.RoundingLine] = []
        for (i, d) in datasets.enumerated() {
            table.rows.append(.init([.text(label(d)), i < files.count ? .text((files[i] as NSString).lastPathComponent) : .empty, .integer(d.charges.count),
                                     .number(d.credits), .money(d.billedCost)]))
            if d.version == .v1_0 {
                let b = d.billedCostBreakdown
                if b.difference.amount != 0 {
                    rounding.append(.init(table: "files", column: d.kind.rawValue, label: "\(label(d)), BilledCost",
                                          breakdown: b))
                }
            }
        }
        let lines: [DocumentStamp.Line] = [
            .init(key: "period", label: "Period", text: "\(metered.from) to \(metered.through), calendar days in "
                + "\(metered.zone.displayName)."),
            .init(key: "rounding", label: "Rounding", text: "\(MoneyFormat.ruleDescription) (\(cur.code) \(cur.minorUnits))."),
            .init(key: "tool", label: "Tool", text: "spcs-cost \(stamp.toolVersion)"),
            .init(key: "command", label: "Command", text: stamp.commandLine, code: true),
        ]
        return Document(
            kind: "export", fileBase: "spcs-cost-export_\(metered.from)_\(metered.through)",
            title: "FOCUS \(metered.version.rawValue) export: \(metered.from) to \(metered.through)",
            stamp: DocumentStamp(from: metered.from, through: metered.through, timeZone: metered.zone.displayName,
                                 currency: cur, toolVersion: stamp.toolVersion, commandLine: stamp.commandLine,
                                 lines: lines),
            warnings: warnings, notes: notes, figuresTitle: "BilledCost",
            figures: datasets.map {
                .init(key: $0.kind.rawValue, label: label($0), credits: $0.credits, amount: $0.billedCost,
                      note: "\($0.charges.count) rows; exact \(MoneyFormat.exact($0.billedCost))")
            },
            currency: cur, roundingLines: rounding, sections: [.init(id: "files", title: "Files", blocks: [.table(table)])])
    }
}
