import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import Testing

/// Binding encodings that real Snowflake accepted (sqlapi.md section 2.3).
@Suite struct BindingTests {
    @Test(arguments: [
        // 1,711,929,600 s × 1e9 = 1,711,929,600,000,000,000 ns.
        (EpochTimestamp(seconds: 1_711_929_600), "1711929600000000000"),
        (EpochTimestamp(seconds: 0, nanoseconds: 5), "5"),
        // 9 ns before the epoch.
        (EpochTimestamp(seconds: -1, nanoseconds: 999_999_991), "-9"),
        // −2 s + 0.5 s = −1.5 s = −1,500,000,000 ns.
        (EpochTimestamp(seconds: -2, nanoseconds: 500_000_000), "-1500000000"),
        // Beyond Int64 nanoseconds (year ~11,476): exact text all the same.
        (EpochTimestamp(seconds: 300_000_000_000, nanoseconds: 7), "300000000000000000007"),
    ])
    func timestampLTZIsEpochNanoseconds(value: EpochTimestamp, text: String) {
        #expect(Binding.timestampLTZ(value) == Binding(type: "TIMESTAMP_LTZ", value: text))
    }

    @Test func otherEncodings() {
        // A Date is rounded to whole microseconds first: .123456 s → 123,456,000 ns.
        #expect(Binding.timestampLTZ(Date(timeIntervalSince1970: 1_711_929_600.123456)).value == "1711929600123456000")
        // DATE in epoch milliseconds: −25,567 days (1900-01-01) × 86,400,000 ms.
        #expect(Binding.date(daysSinceEpoch: -25_567) == Binding(type: "DATE", value: "-2208988800000"))
        #expect(Binding.fixed(Decimal(string: "0.110000000")!) == Binding(type: "FIXED", value: "0.11"))
        #expect(Binding.fixed(-42) == Binding(type: "FIXED", value: "-42"))
        #expect(Binding.fixed(Decimal(string: "0.000000001")!).value == "0.000000001")
        #expect(Binding.fixed(Decimal(string: "12345678901234567890123456789.123456789")!).value
            == "12345678901234567890123456789.123456789")
        #expect(Binding.boolean(false) == Binding(type: "BOOLEAN", value: "false"))
        #expect(Binding.text(nil) == Binding(type: "TEXT", value: nil))
    }

    @Test func nullAndContextTravelInTheBody() async throws {
        let harness = try Harness(context: SessionContext(role: "R", warehouse: "W", database: "D", schema: "S"))
        harness.server.register("SELECT \\?", result: TestResult(columns: [.text("X")], rows: [[nil]]))
        let statement = SQLStatement("SELECT ?", bindings: [.text(nil)], parameters: [:], role: "OTHER_ROLE")
        let result = try await harness.client.query(statement)
        #expect(result.partitions[0][0].isNull(0))
        // No timeout and no parameters are sent when unset; the statement's role overrides the connection's.
        #expect(harness.server.requests[0].body
            == #"{"bindings":{"1":{"type":"TEXT","value":null}},"database":"D","role":"OTHER_ROLE","schema":"S","statement":"SELECT ?","warehouse":"W"}"#)
    }
}
