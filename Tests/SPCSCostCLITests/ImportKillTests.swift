import Foundation
import GRDB
import SPCSCostTestSupport
import Testing

/// A streamed import is still one transaction: `spcs-cost import` killed (SIGKILL) at any moment leaves the cache as
/// it was or complete, never part of a file (issue 13).
@Suite(.enabled(if: SpcsCostExecutable.path != nil, "needs the built spcs-cost"))
struct ImportKillTests {
    /// `pools` × `hours` hourly rows from 2024-04-01T00:00Z.
    static func csv(pools: Int, hours: Int) -> Data {
        var text = "START_TIME,END_TIME,COMPUTE_POOL_NAME,COMPUTE_POOL_ID,CREDITS_USED\n"
        let f = ISO8601DateFormatter()
        for p in 0..<pools {
            for h in 0..<hours {
                text += "\(f.string(from: Date(timeIntervalSince1970: TimeInterval(1_711_929_600 + h * 3600)))),"
                    + "\(f.string(from: Date(timeIntervalSince1970: TimeInterval(1_711_929_600 + (h + 1) * 3600)))),"
                    + "KILL_\(p),\(p),0.06\n"
            }
        }
        return Data(text.utf8)
    }

    /// Rows and loads in the cache, and SQLite's own integrity check.
    static func state(_ path: String) throws -> (rows: Int, loads: Int, seriesHours: Int, integrity: String) {
        let db = try DatabaseQueue(path: path)
        return try db.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spcs_history")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM loads")!,
             try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(LENGTH(hours)), 0) / 8 FROM spcs_series")!,
             try String.fetchOne(db, sql: "PRAGMA integrity_check")!)
        }
    }

    @Test func killedWhileReadingStandardInputTheCacheIsAsItWas() throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("c.sqlite")
        // A first load of 24 rows, complete.
        try Self.csv(pools: 1, hours: 24).write(to: URL(fileURLWithPath: dir.path("day.csv")))
        let first = try SpcsCostExecutable.run(["import", dir.path("day.csv"), "--cache", cache],
                                               environment: ["HOME": dir.url.path], emptyNetwork: false)
        #expect(first.status == 0)
        let before = try Self.state(cache)
        #expect(before.rows == 24 && before.loads == 1)
        // 60 pools × 744 hours (44,640 rows, 4 MB) fed through a pipe; killed at several points: half the file
        // written (rows inserted, not committed), all of it written, and a moment later.
        let big = Self.csv(pools: 60, hours: 744)
        for (step, pause) in [(0, 0.0), (1, 0.0), (2, 0.05), (3, 0.2)] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: SpcsCostExecutable.path!)
            process.arguments = ["import", "-", "--cache", cache]
            process.environment = ["HOME": dir.url.path]
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if step == 0 {
                input.fileHandleForWriting.write(big.prefix(big.count / 2))
                Thread.sleep(forTimeInterval: 0.5)
            } else {
                input.fileHandleForWriting.write(big)
                try input.fileHandleForWriting.close()
                Thread.sleep(forTimeInterval: pause)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let after = try Self.state(cache)
            #expect(after.integrity == "ok", "step \(step)")
            // Either nothing of the big file or all of it (44,640 + 24 rows, two loads).
            let untouched = after.rows == before.rows && after.loads == 1 && after.seriesHours == before.seriesHours
            let complete = after.rows == 24 + 44_640 - 24 && after.loads == 2
            #expect(untouched || complete, "step \(step): \(after)")
            if step == 0 { #expect(untouched, "killed with half the file read: \(after)") }
            if complete { return }
        }
    }
}
