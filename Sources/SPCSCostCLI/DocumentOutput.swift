import ArgumentParser
import Foundation
import SPCSCostKit
import SPCSCostReports

/// How a terminal command (`estimate`, `reconcile`, `whatif`) prints or writes its ``Document``: one `--format` from ``DocumentWriters``
/// (`table` by default) and an optional `--out DIR`, with the rule `report` keeps for standard output.
///
/// - `table` prints to standard output (with or without `--out`).
/// - Without `--out`, a text format of one file (`markdown`, `json`, `html`) prints that file to standard output;
///   `csv` (a file per table and a notes file) and `xlsx` (binary) need `--out DIR`.
/// - With `--out DIR` (or `--out -` for a text format, as `report` takes it), the format's files are written into
///   DIR, named by the document, and their paths are printed.
struct DocumentOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Output format: \(DocumentWriters.names.joined(separator: ", ")). table, markdown, json and html print to standard output; csv and xlsx write files into --out DIR.", valueName: "format"))
    var format: String = "table"

    @Option(help: "Folder to write the format's files into (- prints a text format to standard output). Default: standard output.")
    var out: String?

    /// The writer of `--format`.
    /// - Throws: `ValidationError` naming the registry's formats for an unknown name.
    func writer() throws -> any DocumentWriter {
        guard let w = DocumentWriters.writer(format) else {
            throw ValidationError("--format '\(format)' must be one of \(DocumentWriters.names.joined(separator: ", ")).")
        }
        return w
    }

    /// Rejects an unknown `--format` at parse time (exit 64).
    func validate() throws { _ = try writer() }

    /// Prints or writes `document` by the rule above; `warnings` go to standard error unless the terminal table
    /// (which shows them) is all that is printed.
    /// - Throws: `ValidationError` for csv or xlsx without `--out DIR`; ``OutputError`` when a file cannot be written.
    func output(_ document: Document, env: Environment) throws -> CommandOutput {
        let w = try writer()
        let warnings = document.warnings.map { "warning: \($0)\n" }.joined()
        if w.format == "table" { return CommandOutput(stdout: TableWriter().render(document), stderr: "") }
        guard let out, out != "-" else {
            let files = w.files(document)
            guard w.isText, files.count == 1 else {
                throw ValidationError("--format \(w.format) writes \(files.count > 1 ? "\(files.count) files" : "a binary file"); "
                    + "add --out DIR to write \(files.count > 1 ? "them" : "it") into a folder.")
            }
            return CommandOutput(stdout: files[0].text, stderr: warnings)
        }
        let paths = try ReportService(env: env).write(document, formats: [w.format], to: out)
        return CommandOutput(stdout: paths.map { "wrote \(shortPath($0, env))\n" }.joined(), stderr: warnings)
    }
}

