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
        if w.format == "table" { return .printing(document, with: w, stderr: "") }
        guard let out, out != "-" else {
            let names = StandardOutput.fileNames(document, writer: w)
            guard w.isText, names.count == 1 else {
                throw ValidationError("--format \(w.format) writes \(names.count > 1 ? "\(names.count) files" : "a binary file"); "
                    + "add --out DIR to write \(names.count > 1 ? "them" : "it") into a folder.")
            }
            return .printing(document, with: w, stderr: warnings)
        }
        let paths = try ReportService(env: env).write(document, formats: [w.format], to: out)
        return CommandOutput(stdout: paths.map { "wrote \(shortPath($0, env))\n" }.joined(), stderr: warnings)
    }
}


extension CommandOutput {
    /// Output that prints `document` in `writer`'s format to standard output as the writer makes it (its files one
    /// after the other), then throws the error a table's row source met, if any.
    static func printing(_ document: Document, with writer: any DocumentWriter, stderr: String,
                         trailer: String = "") -> CommandOutput {
        .streamed(stderr: stderr) { sink in
            try writer.write(document, to: StandardOutput(sink: sink))
            for t in document.tables { if let e = t.source?.failure() { throw e } }
            sink.write(trailer)
        }
    }
}

/// A ``DocumentOutput`` that writes every file's bytes, one after the other, into one sink (standard output).
final class StandardOutput: DocumentOutput {
    let sink: ByteSink
    init(sink: ByteSink) { self.sink = sink }
    func file(_ name: String, _ body: (ByteSink) throws -> Void) throws { try body(sink) }
    var scratchFolder: String? { nil }

    /// The names of the files `writer` makes of `document`, without making them.
    static func fileNames(_ document: Document, writer: any DocumentWriter) -> [String] {
        let names = Names()
        try? writer.write(document, to: names)
        return names.names
    }

    /// Keeps each file's name and skips its body.
    final class Names: DocumentOutput {
        var names: [String] = []
        func file(_ name: String, _ body: (ByteSink) throws -> Void) throws { names.append(name) }
        var scratchFolder: String? { nil }
    }
}
