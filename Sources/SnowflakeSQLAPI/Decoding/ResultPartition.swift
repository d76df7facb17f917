import Foundation

/// The decoded rows of one result partition, in wire order. A collection of ``ResultRow``s; cells are read
/// through the row's typed accessors, which parse the stored bytes on demand without allocating.
public struct ResultPartition: Sendable, RandomAccessCollection {
    let storage: PartitionStorage

    /// The 0-based partition index within the statement's `partitionInfo`.
    public var index: Int { storage.partitionIndex }
    /// The statement's columns (rowType of the first response).
    public var columns: [Column] { storage.columns }

    /// The first row position, 0.
    public var startIndex: Int { 0 }
    /// One past the last row position: the partition's row count.
    public var endIndex: Int { storage.rowCount }

    /// The row at `position` (0-based within this partition).
    public subscript(position: Int) -> ResultRow {
        precondition(position >= 0 && position < storage.rowCount, "row \(position) is out of range")
        return ResultRow(storage: storage, row: position)
    }
}

/// One row of a ``ResultPartition``. Column arguments are 0-based indexes into ``ResultPartition/columns``.
///
/// Every typed accessor returns nil for SQL NULL and throws
/// ``JSONv2Error/invalidCell(partition:row:column:type:text:reason:)`` when the text does not parse, or ``JSONv2Error/typeMismatch(column:type:requested:)`` when the column's
/// rowType is not one the accessor reads.
public struct ResultRow: Sendable {
    let storage: PartitionStorage
    /// The 0-based row index within its partition.
    public let row: Int

    /// The number of cells, equal to the number of columns.
    public var count: Int { storage.columns.count }

    @inline(__always)
    private func cellIndex(_ column: Int) -> Int {
        precondition(column >= 0 && column < storage.columns.count, "column \(column) is out of range")
        return row * storage.columns.count + column
    }

    @inline(__always)
    private func withCell<Value>(
        _ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(CellValueError) -> Value
    ) throws -> Value? {
        let cell = cellIndex(column)
        if storage.nulls[cell] { return nil }
        let start = storage.offsets[cell]
        let end = storage.offsets[cell + 1]
        let outcome: Result<Value, CellValueError> = storage.bytes.withUnsafeBufferPointer { all in
            do throws(CellValueError) {
                return .success(try body(UnsafeBufferPointer(rebasing: all[start..<end])))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case let .success(value): return value
        case let .failure(reason): throw invalid(column, reason)
        }
    }

    private func invalid(_ column: Int, _ reason: CellValueError) -> JSONv2Error {
        .invalidCell(
            partition: storage.partitionIndex, row: row, column: storage.columns[column].name,
            type: storage.types[column], text: text(column) ?? "null", reason: reason)
    }

    /// Throws ``JSONv2Error/typeMismatch(column:type:requested:)`` unless the column's type passes `accepts`
    /// (a closure rather than an array of types, so the per-cell check allocates nothing).
    @inline(__always)
    private func require(_ column: Int, _ requested: String, _ accepts: (ColumnType) -> Bool) throws {
        let type = storage.types[column]
        guard accepts(type) else {
            throw JSONv2Error.typeMismatch(column: storage.columns[column].name, type: type, requested: requested)
        }
    }

    /// True when the cell is SQL NULL.
    public func isNull(_ column: Int) -> Bool {
        storage.nulls[cellIndex(column)]
    }

    /// The raw wire text of the cell, whatever its type; nil for NULL.
    public func text(_ column: Int) -> String? {
        let cell = cellIndex(column)
        if storage.nulls[cell] { return nil }
        return String(decoding: storage.bytes[storage.offsets[cell]..<storage.offsets[cell + 1]], as: UTF8.self)
    }

    /// A NUMBER cell, exact. Column type: fixed.
    public func fixed(_ column: Int) throws -> FixedDecimal? {
        try require(column, "an exact decimal") { $0 == .fixed }
        guard try withCell(column, { bytes throws(CellValueError) in try CellParsing.validateDecimal(bytes) }) != nil
        else { return nil }
        return FixedDecimal(validatedText: text(column)!)
    }

    /// A NUMBER cell as a Foundation `Decimal` (exact up to 38 digits). Column type: fixed.
    public func decimal(_ column: Int) throws -> Decimal? {
        try fixed(column)?.decimal
    }

    /// A NUMBER cell times 10^`scale` as an exact `Int64`, e.g. CREDITS_USED NUMBER(38,9) at scale 9 gives
    /// nano-credits. Column type: fixed. Throws when digits beyond `scale` are non-zero or the value overflows.
    public func scaledInteger(_ column: Int, scale: Int) throws -> Int64? {
        try require(column, "a scaled integer") { $0 == .fixed }
        return try withCell(column) { bytes throws(CellValueError) in try CellParsing.scaledInteger(bytes, scale: scale) }
    }

    /// A NUMBER cell without fraction (or whose fraction digits are all zero) as an `Int64`. Column type: fixed.
    public func int64(_ column: Int) throws -> Int64? {
        try scaledInteger(column, scale: 0)
    }

    /// A FLOAT cell; `NaN`, `inf` and `-inf` map to the `Double` specials. Column type: real.
    public func double(_ column: Int) throws -> Double? {
        try require(column, "a double") { $0 == .real }
        return try withCell(column) { bytes throws(CellValueError) in try CellParsing.double(bytes) }
    }

    /// A BOOLEAN cell (`true`, `false`, `1`, `0`, any case). Column type: boolean.
    public func bool(_ column: Int) throws -> Bool? {
        try require(column, "a boolean") { $0 == .boolean }
        return try withCell(column) { bytes throws(CellValueError) in try CellParsing.boolean(bytes) }
    }

    /// A DATE cell as days since 1970-01-01 (negative before). Column type: date.
    public func daysSinceEpoch(_ column: Int) throws -> Int64? {
        try require(column, "a date") { $0 == .date }
        return try withCell(column) { bytes throws(CellValueError) in try CellParsing.integer(bytes) }
    }

    /// A TIME cell as nanoseconds since midnight. Column type: time.
    public func nanosecondsSinceMidnight(_ column: Int) throws -> Int64? {
        try require(column, "a time of day") { $0 == .time }
        return try withCell(column) { bytes throws(CellValueError) in
            let value = try CellParsing.timestamp(bytes)
            return value.seconds * 1_000_000_000 + Int64(value.nanoseconds)
        }
    }

    /// A TIMESTAMP cell as epoch seconds and nanoseconds: the instant for TIMESTAMP_LTZ and TIMESTAMP_TZ, the
    /// wall clock read as UTC for TIMESTAMP_NTZ. Column types: timestamp_ltz, timestamp_ntz, timestamp_tz.
    public func timestamp(_ column: Int) throws -> EpochTimestamp? {
        try require(column, "a timestamp") { $0 == .timestampLTZ || $0 == .timestampNTZ || $0 == .timestampTZ }
        if storage.types[column] == .timestampTZ {
            return try withCell(column) { bytes throws(CellValueError) in try CellParsing.timestampTZ(bytes).0 }
        }
        return try withCell(column) { bytes throws(CellValueError) in try CellParsing.timestamp(bytes) }
    }

    /// A TIMESTAMP_TZ cell: the instant and its offset in minutes east of UTC. Column type: timestamp_tz.
    public func timestampWithOffset(_ column: Int) throws -> (instant: EpochTimestamp, offsetMinutes: Int)? {
        try require(column, "a timestamp with offset") { $0 == .timestampTZ }
        return try withCell(column) { bytes throws(CellValueError) in
            let (instant, offset) = try CellParsing.timestampTZ(bytes)
            return (instant, offset)
        }
    }

    /// The cell decoded by its column's rowType; SQL NULL is ``SQLValue/null``.
    public func value(_ column: Int) throws -> SQLValue {
        if isNull(column) { return .null }
        switch storage.types[column] {
        case .fixed: return .fixed(try fixed(column)!)
        case .real: return .real(try double(column)!)
        case .text: return .text(text(column)!)
        case .boolean: return .boolean(try bool(column)!)
        case .date: return .date(daysSinceEpoch: try daysSinceEpoch(column)!)
        case .time: return .time(nanosecondsSinceMidnight: try nanosecondsSinceMidnight(column)!)
        case .timestampLTZ: return .timestampLTZ(try timestamp(column)!)
        case .timestampNTZ: return .timestampNTZ(try timestamp(column)!)
        case .timestampTZ:
            let (instant, offset) = try timestampWithOffset(column)!
            return .timestampTZ(instant, offsetMinutes: offset)
        case .binary:
            return .binary(try withCell(column) { bytes throws(CellValueError) in try CellParsing.hex(bytes) }!)
        case let type:
            return .unparsed(type: type, text: text(column)!)
        }
    }
}
