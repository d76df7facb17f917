import Foundation

/// Why a result body or cell could not be decoded. Cell text is result data, never a credential, so it is
/// quoted (shortened to 64 characters).
public enum JSONv2Error: Error, Equatable, CustomStringConvertible {
    /// The body is not the JSON shape the SQL API sends. `context` names the response, e.g. "partition 3".
    case malformedBody(context: String, reason: String)
    /// The body ended before its JSON was complete: a response cut short in transit (the client retries it).
    case incompleteBody(context: String)
    /// A row's cell count differs from the number of rowType columns.
    case columnCountMismatch(context: String, columns: Int, cells: Int)
    /// A cell's text does not parse as its column's type.
    case invalidCell(partition: Int, row: Int, column: String, type: ColumnType, text: String, reason: CellValueError)
    /// A typed accessor was used on a column of another type.
    case typeMismatch(column: String, type: ColumnType, requested: String)

    /// A finished sentence naming the response or cell and what to do.
    public var description: String {
        switch self {
        case let .malformedBody(context, reason):
            return "The SQL API response (\(context)) is not valid jsonv2: \(reason). Retry; if it persists, the endpoint may not be a Snowflake SQL API v2 server."
        case let .incompleteBody(context):
            return "The SQL API response (\(context)) ended before its JSON was complete; the transfer was cut short, so try again."
        case let .columnCountMismatch(context, columns, cells):
            return "The SQL API response (\(context)) has rows of \(cells) cells but the rowType lists \(columns) columns; the result cannot be read safely, so retry the query."
        case let .invalidCell(partition, row, column, type, text, reason):
            let shown = text.count > 64 ? String(text.prefix(64)) + "…" : text
            return "Partition \(partition), row \(row), column \(column) (\(type)): '\(shown)' cannot be read because \(reason). Do not set *_OUTPUT_FORMAT session parameters for this user, since they change the cell text."
        case let .typeMismatch(column, type, requested):
            return "Column \(column) has type \(type) and cannot be read as \(requested); cast it in the SQL (for example \(column)::NUMBER(38,9)) or read it with the matching accessor."
        }
    }
}

/// Decoding of the `jsonv2` result format (sqlapi.md section 3).
public enum JSONv2 {
    /// Decodes a later result partition, `{"data":[[...],...]}` (a bare `[[...],...]` is accepted too), with
    /// the statement's `columns` from the first response. The body must already be gzip-decoded.
    ///
    /// This is the per-partition hot path of a pull and allocates per partition, not per cell, so it can be
    /// timed without HTTP.
    /// - Parameters:
    ///   - body: the response body bytes.
    ///   - columns: the statement's rowType.
    ///   - partitionIndex: the partition's 0-based index, reported by the result and in errors.
    /// - Throws: ``JSONv2Error/malformedBody(context:reason:)`` for invalid JSON or a missing `data` member,
    ///   ``JSONv2Error/columnCountMismatch(context:columns:cells:)`` when a row's width differs from `columns`.
    public static func decodePartition(_ body: Data, columns: [Column], partitionIndex: Int) throws -> ResultPartition {
        let context = "partition \(partitionIndex)"
        let response = try parseResponse(body, context: context, expectedColumns: columns.count)
        guard let rows = response.rows else {
            throw JSONv2Error.malformedBody(context: context, reason: "it has no 'data' member")
        }
        return ResultPartition(storage: PartitionStorage(rows: rows, columns: columns, partitionIndex: partitionIndex))
    }

    /// Decodes a statement's first response, `{"resultSetMetaData": {...}, "data": [[...],...], ...}`, as the client
    /// reads it: the metadata, and the first partition's rows checked against its rowType.
    /// - Throws: ``JSONv2Error`` as ``decodePartition(_:columns:partitionIndex:)``, and
    ///   ``JSONv2Error/malformedBody(context:reason:)`` when the metadata or the `data` member is missing.
    public static func decodeFirstResponse(_ body: Data) throws -> (metadata: ResultSetMetadata, partition: ResultPartition) {
        let context = "first response"
        let response = try parseResponse(body, context: context, expectedColumns: nil)
        let metadata = try metadata(response, context: context)
        guard let rows = response.rows else {
            throw JSONv2Error.malformedBody(context: context, reason: "it has no 'data' member")
        }
        if rows.rowCount > 0, let width = rows.columnCount, width != metadata.columns.count {
            throw JSONv2Error.columnCountMismatch(context: context, columns: metadata.columns.count, cells: width)
        }
        let partition = ResultPartition(storage: PartitionStorage(rows: rows, columns: metadata.columns, partitionIndex: 0))
        return (metadata, partition)
    }

    /// A parsed response: the envelope members, and the rows when a `data` member was present.
    struct Response {
        var members: [String: JSONValue]
        var rows: RowCollector?

        func string(_ key: String) -> String? { members[key]?.string }
    }

    /// Parses any SQL API body: a result (first response or later partition), a 202 status or an error.
    static func parseResponse(_ body: Data, context: String, expectedColumns: Int?) throws -> Response {
        do {
            return try JSONScanner.scan(body) { scanner in
                var rows = RowCollector(expectedColumns: expectedColumns, capacity: body.count)
                var sawRows = false
                scanner.skipWhitespace()
                let members: [String: JSONValue]
                if scanner.peek() == UInt8(ascii: "[") {
                    try scanner.parseRows(into: &rows)
                    members = [:]
                    sawRows = true
                } else {
                    members = try scanner.parseEnvelope(rows: &rows)
                    sawRows = scanner.sawDataMember
                }
                scanner.skipWhitespace()
                guard scanner.atEnd else { throw scanner.fail("unexpected text after the JSON value") }
                return Response(members: members, rows: sawRows ? rows : nil)
            }
        } catch let error as JSONSyntaxError {
            if error.offset >= body.count { throw JSONv2Error.incompleteBody(context: context) }
            throw JSONv2Error.malformedBody(context: context, reason: "\(error.reason) at byte \(error.offset)")
        }
    }

    /// Reads `resultSetMetaData` of a first response.
    static func metadata(_ response: Response, context: String) throws -> ResultSetMetadata {
        guard let meta = response.members["resultSetMetaData"]?.object else {
            throw JSONv2Error.malformedBody(context: context, reason: "it has no 'resultSetMetaData' object")
        }
        guard let rowType = meta["rowType"]?.array else {
            throw JSONv2Error.malformedBody(context: context, reason: "resultSetMetaData has no 'rowType' array")
        }
        let columns = try rowType.enumerated().map { try Column(json: $1, position: $0) }
        guard let numRows = meta["numRows"]?.int else {
            throw JSONv2Error.malformedBody(context: context, reason: "resultSetMetaData has no integer 'numRows'")
        }
        let partitions = try (meta["partitionInfo"]?.array ?? []).enumerated().map { position, entry in
            guard let object = entry.object, let rowCount = object["rowCount"]?.int else {
                throw JSONv2Error.malformedBody(
                    context: context, reason: "partitionInfo[\(position)] has no integer 'rowCount'")
            }
            return ResultSetMetadata.PartitionInfo(
                rowCount: rowCount, uncompressedSize: object["uncompressedSize"]?.int,
                compressedSize: object["compressedSize"]?.int)
        }
        return ResultSetMetadata(
            numRows: numRows, format: meta["format"]?.string, columns: columns, partitions: partitions)
    }
}

/// `resultSetMetaData` of a statement's first response (sqlapi.md section 3.2).
public struct ResultSetMetadata: Sendable, Equatable {
    /// One `partitionInfo` entry.
    public struct PartitionInfo: Sendable, Equatable {
        /// Rows in the partition.
        public var rowCount: Int
        /// Bytes of the partition's JSON before compression; nil when absent.
        public var uncompressedSize: Int?
        /// Bytes on the wire when gzip-encoded; nil when absent (single-partition results omit it).
        public var compressedSize: Int?

        /// An entry with the given sizes.
        public init(rowCount: Int, uncompressedSize: Int? = nil, compressedSize: Int? = nil) {
            self.rowCount = rowCount
            self.uncompressedSize = uncompressedSize
            self.compressedSize = compressedSize
        }
    }

    /// Total rows over all partitions.
    public var numRows: Int
    /// The result format, `jsonv2`; nil when absent.
    public var format: String?
    /// The columns (rowType).
    public var columns: [Column]
    /// The partitions in index order; empty when the server sent no `partitionInfo` (then partition 0 is all).
    public var partitions: [PartitionInfo]

    /// Metadata with the given parts.
    public init(numRows: Int, format: String?, columns: [Column], partitions: [PartitionInfo]) {
        self.numRows = numRows
        self.format = format
        self.columns = columns
        self.partitions = partitions
    }
}
