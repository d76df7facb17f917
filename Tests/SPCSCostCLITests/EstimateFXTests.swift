import Foundation
import SPCSCostCore
import Testing

@testable import SPCSCostCLI

/// `estimate` takes FX as every command does: currency pairs (a JPY pools file's rate never prices EUR), named
/// pairs with `--fx QUOTE/BASE=RATE`, and a dated `--fx-file` applied per planned day.
@Suite struct EstimateFXTests {
    @Test func aJPYPoolsFileRateIsNeverUsedForEUR() async throws {
        do {
            _ = try await run(["estimate", "--pools", "Fixtures/pools/jupyterlab-april-2024.toml", "--period", "2024-04",
                               "--currency", "EUR"])
            Issue.record("expected the missing EUR per USD rate to stop the estimate")
        } catch {
            #expect(ExitStatus.code(for: error) == 64)
            #expect("\(error)".contains("--currency EUR needs --fx RATE, the number of EUR per USD"))
        }
    }

    @Test func aNamedPairPricesTheOtherCurrency() async throws {
        let out = try await run(["estimate", "--pools", "Fixtures/pools/jupyterlab-april-2024.toml", "--period", "2024-04",
                                 "--currency", "EUR", "--fx", "EUR/USD=0.92"])
        #expect(out.stdout.contains("FX: 0.92 EUR per USD (--fx EUR/USD=0.92)"))
        #expect(!out.stdout.contains("150 EUR"))
    }

    /// 1.1 credits a day (10 h × 0.11) at 2.85 USD: 3.135 USD a day. 10 to 14 April at 151.35 JPY per USD and 15 to
    /// 29 April at 153.20: 5 × 3.135 × 151.35 + 15 × 3.135 × 153.20 = 2,372.41125 + 7,204.23 = 9,576.64125 → 9,577 JPY.
    @Test func aDatedFXFileConvertsEachPlannedDayAtItsRate() async throws {
        let out = try await run(["estimate", "--family", "CPU_X64_XS", "--hours", "10", "--days", "20", "--as-of", "2024-04-10",
                                 "--rate-card", "2024", "--region", "aws-ap-northeast-1", "--currency", "JPY",
                                 "--edition", "standard", "--fx-file", "Fixtures/fx/usdjpy-april-2024.csv"])
        #expect(out.stdout.contains("Range: 9,577 JPY (Standard)"))
        #expect(out.stdout.contains("× 153.20 JPY per USD") || out.stdout.contains("× 153.2 JPY per USD"))
        // A dated file that lacks the first planned day says which day and pair, not "needs --fx".
        do {
            _ = try await run(["estimate", "--pools", "Fixtures/pools/jupyterlab-april-2024.toml", "--period", "2024-04",
                               "--fx-file", "Fixtures/fx/usdjpy-april-2024.csv"])
            Issue.record("expected the missing 31 March rate to stop the estimate")
        } catch {
            #expect("\(error)".contains("no USD→JPY rate for 2024-03-31"))
        }
    }
}
