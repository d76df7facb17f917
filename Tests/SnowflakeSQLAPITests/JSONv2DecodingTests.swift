import Foundation
import SnowflakeSQLAPI
import Testing

/// Cell decoding by rowType (sqlapi.md section 3.11), on partition bodies decoded without HTTP.
@Suite struct JSONv2DecodingTests {
    static let columns = [
        Column(name: "CREDITS_USED", type: ColumnType(wireName: "fixed"), precision: 38, scale: 9),
        Column(name: "F", type: ColumnType(wireName: "REAL")),
        Column(name: "S", type: ColumnType(wireName: "Text")),
        Column(name: "BO", type: ColumnType(wireName: "boolean")),
        Column(name: "D", type: ColumnType(wireName: "date")),
        Column(name: "TM", type: ColumnType(wireName: "time"), scale: 9),
        Column(name: "TL", type: ColumnType(wireName: "timestamp_ltz"), scale: 9),
        Column(name: "TN", type: ColumnType(wireName: "TIMESTAMP_NTZ"), scale: 0),
        Column(name: "TZ", type: ColumnType(wireName: "timestamp_tz"), scale: 9),
        Column(name: "B", type: ColumnType(wireName: "binary")),
        Column(name: "V", type: ColumnType(wireName: "variant")),
    ]

    static func decode(_ rows: String, columns: [Column] = columns, partition: Int = 3) throws -> ResultPartition {
        try JSONv2.decodePartition(Data("{\"data\":[\(rows)]}".utf8), columns: columns, partitionIndex: partition)
    }

    @Test func typeNamesCompareCaseInsensitively() {
        #expect(ColumnType(wireName: "TIMESTAMP_LTZ") == .timestampLTZ)
        #expect(ColumnType(wireName: "timestamp_ltz") == .timestampLTZ)
        #expect(ColumnType(wireName: "Fixed") == .fixed)
        #expect(ColumnType(wireName: "VECTOR") == .other("vector"))
        #expect(ColumnType.timestampTZ.description == "timestamp_tz")
    }

    /// One row of every type, the REC-026 example values (2026-10-09 12:34:56.123456789 +07:00).
    @Test func everyTypeDecodesByRowType() throws {
        let partition = try Self.decode(#"""
            ["0.110000000","1.5","h\u00e9llo \"q\" \\ \n\ud83d\ude00","true","20735","45296.123456789",
             "1791524096.123456789","1791549296","1791524096.123456789 1860","DEADBEEF","{\n  \"a\": 1\n}"]
            """#)
        #expect(partition.count == 1)
        #expect(partition.index == 3)
        let row = partition[0]
        // NUMBER(38,9) "0.110000000" = 0.11 credits = 110,000,000 nano-credits.
        #expect(try row.value(0) == .fixed(try FixedDecimal(text: "0.110000000")))
        #expect(try row.scaledInteger(0, scale: 9) == 110_000_000)
        #expect(try row.decimal(0) == Decimal(string: "0.11"))
        #expect(try row.value(1) == .real(1.5))
        #expect(try row.value(2) == .text("héllo \"q\" \\ \n😀"))
        #expect(try row.value(3) == .boolean(true))
        // 20735 days after 1970-01-01 is 2026-10-09.
        #expect(try row.value(4) == .date(daysSinceEpoch: 20_735))
        // 12:34:56.123456789 = 45,296 s + 0.123456789 s = 45,296,123,456,789 ns.
        #expect(try row.value(5) == .time(nanosecondsSinceMidnight: 45_296_123_456_789))
        #expect(try row.value(6) == .timestampLTZ(EpochTimestamp(seconds: 1_791_524_096, nanoseconds: 123_456_789)))
        // Scale 0: no fraction digits on the wire.
        #expect(try row.value(7) == .timestampNTZ(EpochTimestamp(seconds: 1_791_549_296)))
        // 1860 − 1440 = +420 minutes = +07:00.
        #expect(try row.value(8) == .timestampTZ(EpochTimestamp(seconds: 1_791_524_096, nanoseconds: 123_456_789), offsetMinutes: 420))
        #expect(try row.value(9) == .binary(Data([0xDE, 0xAD, 0xBE, 0xEF])))
        #expect(try row.value(10) == .unparsed(type: .variant, text: "{\n  \"a\": 1\n}"))
    }

    @Test func nullCellsAreNilForEveryAccessor() throws {
        let row = try Self.decode("[null,null,null,null,null,null,null,null,null,null,null]")[0]
        for column in 0..<Self.columns.count {
            #expect(row.isNull(column))
            #expect(row.text(column) == nil)
            #expect(try row.value(column) == .null)
        }
        #expect(try row.scaledInteger(0, scale: 9) == nil)
        #expect(try row.timestamp(6) == nil)
        #expect(try row.bool(3) == nil)
    }

    /// The sign applies to the whole value (PYC `get_seconds_microseconds`).
    @Test(arguments: [
        // 9 ns before the epoch: seconds −1, nanoseconds 1e9 − 9.
        ("-0.000000009", Int64(-1), Int32(999_999_991), Int64(-9)),
        // −1.5 s: seconds −2, nanoseconds 0.5e9.
        ("-1.500000000", -2, 500_000_000, -1_500_000_000),
        // 1900-01-01T00:00:00Z = −25,567 days × 86,400 s = −2,208,988,800 s.
        ("-2208988800.000000000", -2_208_988_800, 0, -2_208_988_800_000_000_000),
        ("0.000000001", 0, 1, 1),
    ])
    func negativeTimestamps(text: String, seconds: Int64, nanoseconds: Int32, epochNanoseconds: Int64) throws {
        let columns = [Column(name: "T", type: .timestampLTZ, scale: 9)]
        let value = try #require(try Self.decode("[\"\(text)\"]", columns: columns)[0].timestamp(0))
        #expect(value.seconds == seconds)
        #expect(value.nanoseconds == nanoseconds)
        #expect(value.epochNanoseconds == epochNanoseconds)
        #expect(value.description == text)
    }

    @Test(arguments: [
        ("1791524096.000000000 1440", 0),  // UTC
        ("1791524096.000000000 1080", -360),  // 1080 − 1440 = −6 h (CST)
        ("1791524096.000000000 1770", 330),  // +05:30, a half-hour zone
        ("-1.000000000 0", -1440),  // the smallest encodable offset
    ])
    func timestampTZOffsets(text: String, offsetMinutes: Int) throws {
        let columns = [Column(name: "T", type: .timestampTZ, scale: 9)]
        let decoded = try #require(try Self.decode("[\"\(text)\"]", columns: columns)[0].timestampWithOffset(0))
        #expect(decoded.offsetMinutes == offsetMinutes)
    }

    /// NUMBER(38,9) is exact: Int64 nano-credits reach 9,223,372,036.854775807 credits.
    @Test func number38Scale9IsExact() throws {
        let columns = [Column(name: "CREDITS_USED", type: .fixed, precision: 38, scale: 9)]
        let partition = try Self.decode(
            #"["9223372036.854775807"],["-9223372036.854775808"],["0.000000001"],["12345678901234567890123456789.123456789"],["1.5"]"#,
            columns: columns)
        #expect(try partition[0].scaledInteger(0, scale: 9) == Int64.max)
        #expect(try partition[1].scaledInteger(0, scale: 9) == Int64.min)
        #expect(try partition[2].scaledInteger(0, scale: 9) == 1)
        // 38 significant digits survive in the text and in Decimal.
        let wide = try #require(try partition[3].fixed(0))
        #expect(wide.text == "12345678901234567890123456789.123456789")
        #expect(wide.decimal == Decimal(string: "12345678901234567890123456789.123456789"))
        #expect("\(wide.decimal)" == "12345678901234567890123456789.123456789")
        #expect(throws: JSONv2Error.self) { try partition[3].scaledInteger(0, scale: 9) }
        // Fewer fraction digits than the scale are padded: 1.5 at scale 9 = 1,500,000,000.
        #expect(try partition[4].scaledInteger(0, scale: 9) == 1_500_000_000)
        // More non-zero digits than the requested scale cannot be represented.
        #expect(throws: JSONv2Error.invalidCell(
            partition: 3, row: 4, column: "CREDITS_USED", type: .fixed, text: "1.5", reason: .moreFractionDigits(scale: 0))
        ) { try partition[4].int64(0) }
    }

    @Test(arguments: [("true", true), ("FALSE", false), ("1", true), ("0", false), ("True", true)])
    func booleans(text: String, expected: Bool) throws {
        let columns = [Column(name: "B", type: .boolean)]
        #expect(try Self.decode("[\"\(text)\"]", columns: columns)[0].bool(0) == expected)
    }

    @Test func realSpecials() throws {
        let columns = [Column(name: "F", type: .real)]
        let partition = try Self.decode(#"["NaN"],["inf"],["-inf"],["-2.5e-3"]"#, columns: columns)
        #expect(try partition[0].double(0)?.isNaN == true)
        #expect(try partition[1].double(0) == .infinity)
        #expect(try partition[2].double(0) == -.infinity)
        #expect(try partition[3].double(0) == -0.0025)
    }

    @Test func badCellNamesPartitionRowColumnAndFix() throws {
        let partition = try Self.decode(
            #"["1,5","1","x","yes","20735","1","1","1","1 1440","XYZ",null]"#)
        let error = #expect(throws: JSONv2Error.self) { try partition[0].value(0) }
        #expect(error == .invalidCell(partition: 3, row: 0, column: "CREDITS_USED", type: .fixed, text: "1,5", reason: .notANumber))
        #expect(error?.description == "Partition 3, row 0, column CREDITS_USED (fixed): '1,5' cannot be read because it is not a decimal number. Do not set *_OUTPUT_FORMAT session parameters for this user, since they change the cell text.")
        #expect(throws: JSONv2Error.invalidCell(partition: 3, row: 0, column: "BO", type: .boolean, text: "yes", reason: .notABoolean)) {
            try partition[0].bool(3)
        }
        #expect(throws: JSONv2Error.invalidCell(partition: 3, row: 0, column: "B", type: .binary, text: "XYZ", reason: .notHex)) {
            try partition[0].value(9)
        }
        #expect(throws: JSONv2Error.typeMismatch(column: "S", type: .text, requested: "a timestamp")) {
            try partition[0].timestamp(2)
        }
    }

    @Test func rowWidthMustMatchRowType() {
        let columns = [Column(name: "A", type: .text), Column(name: "B", type: .text)]
        // The check runs after the short row's closing bracket, byte 23, so the reported offset is 24.
        #expect(throws: JSONv2Error.malformedBody(context: "partition 1", reason: "row 1 has 1 cells, expected 2 at byte 24")) {
            try JSONv2.decodePartition(Data(#"{"data":[["a","b"],["c"]]}"#.utf8), columns: columns, partitionIndex: 1)
        }
    }

    @Test func truncatedBodyIsReportedAsIncomplete() {
        let columns = [Column(name: "A", type: .text)]
        #expect(throws: JSONv2Error.incompleteBody(context: "partition 2")) {
            try JSONv2.decodePartition(Data(#"{"data":[["a"],["b"#.utf8), columns: columns, partitionIndex: 2)
        }
        #expect(throws: JSONv2Error.incompleteBody(context: "partition 2")) {
            try JSONv2.decodePartition(Data(), columns: columns, partitionIndex: 2)
        }
    }

    @Test func bareArrayAndEmptyPartitions() throws {
        let columns = [Column(name: "A", type: .text)]
        #expect(try JSONv2.decodePartition(Data(#"[["x"]]"#.utf8), columns: columns, partitionIndex: 1).map { $0.text(0) } == ["x"])
        #expect(try JSONv2.decodePartition(Data(#"{"data":[]}"#.utf8), columns: columns, partitionIndex: 1).isEmpty)
        #expect(throws: JSONv2Error.malformedBody(context: "partition 1", reason: "it has no 'data' member")) {
            try JSONv2.decodePartition(Data(#"{"code":"1"}"#.utf8), columns: columns, partitionIndex: 1)
        }
    }

    @Test func columnLookupByName() {
        #expect(Self.columns.index(named: "TL") == 6)
        #expect(Self.columns.index(named: "credits_used") == 0)
        #expect(Self.columns.index(named: "NOPE") == nil)
    }
}
