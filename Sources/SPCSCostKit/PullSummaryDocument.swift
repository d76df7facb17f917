import Foundation
import SPCSCostCore
import SPCSCostReports

extension Document {
    /// One account's pull as a document, for every `--format` of `spcs-cost pull` but `json` (whose summary object
    /// scripts read; README "pull"): the window and connection as a note, each view read (rows, partitions,
    /// statement handle, or why it was skipped), the hourly rows (new, restated, unchanged), the warnings about what
    /// the views returned, and the stamp. A pull has no amounts: the document's currency (USD) is never shown.
    /// - Parameters:
    ///   - summary: what the pull did.
    ///   - cachePath: the cache written, as shown to the user.
    ///   - stamp: tool version and command line.
    public static func pullSummary(_ summary: PullSummary, cachePath: String, stamp: ReportStamp) -> Document {
        let start = String(summary.windowStart.prefix(10)), end = String(summary.windowEnd.prefix(10))
        var views = Table(id: "views", title: "Views", columns: [
            .init(key: "view", label: "View", kind: .text),
            .init(key: "rows", label: "Rows", kind: .integer),
            .init(key: "partitions", label: "Partitions", kind: .integer),
            .init(key: "statement", label: "Statement", kind: .text),
            .init(key: "skipped", label: "Skipped", kind: .text),
        ])
        for s in summary.statements {
            views.rows.append(.init([.text(s.view), s.skipped == nil ? .integer(s.rows) : .empty,
                                     s.skipped == nil ? .integer(s.partitions) : .empty,
                                     s.statementHandle.map(Cell.text) ?? .empty, s.skipped.map(Cell.text) ?? .empty]))
        }
        // `--grain day` pulls one row per pool and UTC day; the table keeps its id so files keep their names.
        let rowsTitle = summary.grain == .day ? "Daily rows" : "Hourly rows"
        var rows = Table(id: "hourly_rows", title: rowsTitle, columns: [
            .init(key: "fetched", label: "Fetched", kind: .integer),
            .init(key: "new", label: "New", kind: .integer),
            .init(key: "restated", label: "Restated", kind: .integer),
            .init(key: "unchanged", label: "Unchanged", kind: .integer),
        ])
        rows.rows.append(.init([.integer(summary.historyRows), .integer(summary.inserted), .integer(summary.updated),
                                .integer(summary.unchanged)]))
        let lines: [DocumentStamp.Line] = [
            .init(key: "window", label: "Window", text: "\(summary.windowStart) to \(summary.windowEnd) (UTC, end "
                + "exclusive)."),
            .init(key: "connection", label: "Connection", text: summary.connection),
            .init(key: "cache", label: "Cache", text: cachePath),
            .init(key: "tool", label: "Tool", text: "spcs-cost \(stamp.toolVersion)"),
            .init(key: "command", label: "Command", text: stamp.commandLine, code: true),
        ]
        return Document(
            kind: "pull", fileBase: "spcs-cost-pull_\(start)_\(end)",
            title: "Pull from connection \(summary.connection): \(summary.windowStart) to \(summary.windowEnd)",
            stamp: DocumentStamp(currency: .usd, toolVersion: stamp.toolVersion, commandLine: stamp.commandLine,
                                 lines: lines),
            warnings: summary.viewWarnings,
            notes: ["Pulled \(summary.windowStart) to \(summary.windowEnd) from connection \(summary.connection) into "
                + "\(cachePath) in \(summary.durationMilliseconds) ms: \(summary.inserted) new, \(summary.updated) "
                + "restated, \(summary.unchanged) unchanged \(rowsTitle.lowercased())."],
            currency: .usd,
            sections: [.init(id: "views", title: "Views", blocks: [.table(views)]),
                       .init(id: "hourly_rows", title: rowsTitle, blocks: [.table(rows)])])
    }
}
