import Foundation
import SnowflakeSQLAPI
import SPCSCostCore
import SPCSCostKit
import Testing

/// Pulled SNOWPARK_CONTAINER_SERVICES_HISTORY rows meet the same door as imported ones (hardening issue, item 2):
/// a row the cache cannot hold is a data error naming the row, never a crash or a silently changed value.
@Suite struct PulledRowRangeTests {
    static let columns = [
        Column(name: "START_TIME", type: .timestampLTZ, scale: 9),
        Column(name: "END_TIME", type: .timestampLTZ, scale: 9),
        Column(name: "COMPUTE_POOL_NAME", type: .text),
        Column(name: "CREDITS_USED", type: .fixed, precision: 38, scale: 9),
    ]

    func records(_ rows: String) throws -> [UsageRecord] {
        try PullService.usageRecords([try JSONv2.decodePartition(Data("{\"data\":[\(rows)]}".utf8), columns: Self.columns,
                                                                  partitionIndex: 2)])
    }

    func refusal(_ rows: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        do {
            let r = try records(rows)
            Issue.record("accepted \(r.count) rows", sourceLocation: sourceLocation)
            return nil
        } catch {
            return "\(error)"
        }
    }

    static let good = #"["1712656800.000000000","1712660400.000000000","P","0.110000000"]"#

    @Test func aStartTimeAfterTheYear9999IsADataError() {
        // 1712631600000 s after 1970 is in the year 56,000: the cache's month arithmetic trapped on it.
        #expect(refusal(Self.good + #",["1712631600000.000000000","1712631603600.000000000","P","0.1"]"#)
                == "SNOWFLAKE.ACCOUNT_USAGE.SNOWPARK_CONTAINER_SERVICES_HISTORY: row 2 of partition 2: START_TIME "
                + "'1712631600000 s after 1970-01-01T00:00:00Z' is outside the years 1 to 9999; nothing was written to the cache.")
        #expect(refusal(#"["-62135600400","-62135596800","P","0.1"]"#)?.contains("START_TIME '-62135600400 s after") == true)
    }

    @Test func creditsTheCacheCannotSumAreADataError() {
        #expect(refusal(#"["1712656800","1712660400","P","5000000000.000000000"]"#)?
            .contains("row 1 of partition 2: CREDITS_USED '5000000000.000000000' is more than 100000 credits") == true)
        #expect(refusal(#"["1712656800","1712660400","P","-0.000000001"]"#)?
            .contains("CREDITS_USED '-0.000000001' is negative") == true)
    }

    @Test func aNulInAPulledPoolNameIsADataError() {
        #expect(refusal(#"["1712656800","1712660400","A\u0000B","1"]"#)?
            .contains(#"COMPUTE_POOL_NAME 'A\u{0}B' holds a control character"#) == true)
    }

    @Test func rowsInRangeAreMappedUnchanged() throws {
        let r = try records(Self.good)
        #expect(r.map(\.creditsUsed) == [NanoCredits(110_000_000)])
        #expect(r.map(\.computePoolName) == ["P"])
    }

    @Test func datesAndTimestampsOfTheOtherViewsOutsideTheYears1To9999AreDataErrors() throws {
        let metering = [Column(name: "USAGE_DATE", type: .date)]
            + ["CREDITS_USED_COMPUTE", "CREDITS_USED_CLOUD_SERVICES", "CREDITS_USED", "CREDITS_ADJUSTMENT_CLOUD_SERVICES",
               "CREDITS_BILLED"].map { Column(name: $0, type: .fixed, precision: 38, scale: 9) }
        let day = try JSONv2.decodePartition(Data(#"{"data":[["9223372036854775807","1","1","1","0","1"]]}"#.utf8),
                                            columns: metering, partitionIndex: 0)
        #expect { try PullService.meteringRecords([day]) } throws: {
            "\($0)".contains("USAGE_DATE '9223372036854775807 days after 1970-01-01' is outside the years 1 to 9999")
        }
        let pools = [Column(name: "NAME", type: .text), Column(name: "ID", type: .fixed, precision: 38, scale: 0),
                     Column(name: "CREATED", type: .timestampLTZ, scale: 9)]
        let pool = try JSONv2.decodePartition(Data(#"{"data":[["P","1","9223372036854775807.000000000"]]}"#.utf8),
                                             columns: pools, partitionIndex: 0)
        #expect { try PullService.poolRecords([pool]) } throws: {
            "\($0)".contains("CREATED '9223372036854775807 s after 1970-01-01T00:00:00Z' is outside the years 1 to 9999")
        }
        let ok = try JSONv2.decodePartition(Data(#"{"data":[["P","1","1712656800.000000000"]]}"#.utf8),
                                           columns: pools, partitionIndex: 0)
        #expect(try PullService.poolRecords([ok]).first?.created == Date(timeIntervalSince1970: 1_712_656_800))
    }
}
