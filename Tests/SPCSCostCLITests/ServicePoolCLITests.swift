import Foundation
import SPCSCostKit
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `estimate --from-sql ... --service-pool SERVICE=POOL`: the pool of a service the script does not place, and the
/// errors (exit 64) for values that cannot be used.
@Suite struct ServicePoolCLITests {
    let fixture = Repository.fixture("setup-sql/dashboards-desc-service.sql").path

    func failure(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async -> (Int32, String) {
        do {
            let out = try await run(arguments)
            Issue.record("expected an error; got: \(out.stdout.prefix(300))", sourceLocation: sourceLocation)
            return (0, "")
        } catch {
            return (ExitStatus.code(for: error), "\(error)")
        }
    }

    @Test func theFixtureSaysWhichPoolItAssumed() async throws {
        let out = try await run(["estimate", "--from-sql", fixture, "--period", "2026-04"])
        #expect(out.stdout.contains("task DASH_SUSPEND: USING CRON 0 18 * * MON-FRI Europe/Berlin, suspends the pool"))
        #expect(out.stdout.contains("note: line 24: service DASH_DB.APP.DASH_SVC runs IN COMPUTE POOL $POOL_NAME"))
        #expect(out.stdout.contains("418 h") || out.stdout.contains("418 node-hours"))
    }

    @Test func givingThePoolReplacesTheAssumption() async throws {
        let out = try await run(["estimate", "--from-sql", fixture, "--period", "2026-04",
                                 "--service-pool", "dash_db.app.dash_svc=dash_pool"])
        #expect(!out.stdout.contains("is taken to run in it"))
        #expect(out.stdout.contains("suspends the pool"))
    }

    @Test(arguments: [
        ("DASH_SVC", "--service-pool 'DASH_SVC' is not SERVICE=POOL; write the service (optionally DB.SCHEMA.SERVICE), "
            + "'=', and its compute pool's name without database or schema, for example --service-pool "
            + "JUPYTER_SERVICE=JUPYTER_POOL."),
        ("DASH_SVC=DB.SCH.DASH_POOL", "--service-pool 'DASH_SVC=DB.SCH.DASH_POOL' is not SERVICE=POOL; write the "
            + "service (optionally DB.SCHEMA.SERVICE), '=', and its compute pool's name without database or schema, "
            + "for example --service-pool JUPYTER_SERVICE=JUPYTER_POOL."),
        ("DASH_SVC=OTHER_POOL", "--service-pool 'DASH_SVC=OTHER_POOL' names compute pool OTHER_POOL, which the setup "
            + "SQL does not create (the script creates DASH_POOL); name one of its pools, or add the pool's CREATE "
            + "COMPUTE POOL to the script."),
    ])
    func badValuesAreExit64(value: String, message: String) async {
        let (code, text) = await failure(["estimate", "--from-sql", fixture, "--period", "2026-04",
                                          "--service-pool", value])
        #expect(code == 64)
        #expect(text == message)
    }

    @Test func aServiceGivenTwoPoolsIsExit64() async {
        let (code, text) = await failure(["estimate", "--from-sql", fixture, "--period", "2026-04",
                                          "--service-pool", "DASH_SVC=DASH_POOL",
                                          "--service-pool", "dash_db.app.dash_svc=OTHER"])
        #expect(code == 64)
        #expect(text == "--service-pool 'dash_db.app.dash_svc=OTHER' gives service DASH_DB.APP.DASH_SVC a second pool "
                + "(--service-pool DASH_SVC=DASH_POOL came first); a service runs in one compute pool, so give it once.")
    }

    @Test func onlyWithFromSQL() async {
        let (flat, flatText) = await failure(["estimate", "--family", "CPU_X64_XS", "--hours", "10", "--days", "20",
                                              "--service-pool", "A=B"])
        #expect(flat == 64 && flatText.contains("--service-pool only applies with --from-sql"))
        let pools = Repository.fixture("pools/jupyterlab.toml").path
        let (file, fileText) = await failure(["estimate", "--pools", pools, "--period", "2026-04",
                                              "--service-pool", "A=B"])
        #expect(file == 64 && fileText.contains("--service-pool only applies with --from-sql"))
    }
}
