import Foundation
import SPCSCostCore
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// Where instance families are offered (hardening issue, item 5): an estimate for a family its region does not offer
/// is an error naming where it is offered; a region the sources leave open is a warning; metered usage only warns.
/// Offer data: rate-card-2026-04.json, from spcs-facts §1b [S4].
@Suite struct FamilyOfferTests {
    let env: Environment
    init() throws { env = try testEnvironment() }

    func flat(_ family: String, _ region: String, creditPrice: Decimal? = nil, creditsPerHour: Decimal? = nil) throws
        -> EstimateResult {
        var o = EstimateOptions(family: family, hoursPerDay: 10, days: 20)
        o.region = region
        o.asOf = CivilDate("2026-05-01")
        o.creditPrice = creditPrice
        o.creditsPerNodeHour = creditsPerHour
        return try EstimateService(catalog: env.catalog).estimate(o, today: CivilDate("2026-05-01")!)
    }

    func refusal(_ family: String, _ region: String, creditPrice: Decimal? = nil, creditsPerHour: Decimal? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) -> FamilyNotOfferedError? {
        do {
            _ = try flat(family, region, creditPrice: creditPrice, creditsPerHour: creditsPerHour)
            Issue.record("\(family) in \(region) was estimated", sourceLocation: sourceLocation)
            return nil
        } catch let e as FamilyNotOfferedError {
            return e
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    @Test func aFamilyOfAnotherCloudIsAnErrorNotAWarning() {
        // Was priced, with a warning only.
        let e = refusal("GPU_NV_L", "azure-eastus2")
        #expect(e?.description == "GPU_NV_L is not offered in azure-eastus2; it is offered on AWS (only aws-us-east-1, "
                + "aws-us-west-2) (AWS: 'on request, US West/East only' (docs.snowflake.com instance-families-aws, "
                + "-azure, -gcp (spcs-facts §1b [S4])); read as US East (N. Virginia) and US West (Oregon). Whether US "
                + "East 2 (Ohio) and the US government regions count is not said); use --family with a family offered "
                + "there, or --region with the pool's region.")
        #expect(refusal("GPU_NV_XS", "aws-us-east-1")?.description
                == "GPU_NV_XS is not offered in aws-us-east-1; it is offered on Azure (rate card); use --family with a "
                + "family offered there, or --region with the pool's region.")
    }

    @Test(arguments: [
        ("GPU_NV_L", "aws-ap-northeast-1"), ("GPU_GCP_NV_A100_8_40G", "gcp-us-east4"),
    ])
    func gpuFamiliesOfferedInSomeRegionsOnly(family: String, region: String) {
        #expect(refusal(family, region)?.region == RegionID(region))
    }

    @Test func regionsTheSourcesNameAreEstimatedWithoutAWord() throws {
        #expect(try flat("GPU_NV_L", "aws-us-west-2").warnings.allSatisfy { !$0.contains("offered") })
        #expect(try flat("GPU_GCP_NV_A100_8_40G", "gcp-us-central1").warnings.allSatisfy { !$0.contains("offered") })
        #expect(try flat("CPU_X64_SL", "aws-ap-northeast-1").warnings.allSatisfy { !$0.contains("offered") })
    }

    @Test func aRegionTheSourcesLeaveOpenIsAWarning() throws {
        let r = try flat("GPU_NV_L", "aws-us-east-2")
        #expect(r.warnings.contains { $0.hasPrefix("whether GPU_NV_L is offered in aws-us-east-2 is not known (AWS: ") })
    }

    @Test func exclusionsHoldWithAContractPriceOrRateOverride() {
        // Regions with no list price in the table: the family check comes first.
        #expect(refusal("CPU_X64_SL", "aws-cn-northwest-1", creditPrice: 3)?.offeredWhere == "AWS, Azure, GCP (not aws-cn-*)")
        #expect(refusal("HIGHMEM_X64_SL", "gcp-me-central2", creditPrice: 3)?.offeredWhere == "Azure, GCP (not gcp-me-central2)")
        #expect(refusal("GPU_NV_L", "azure-eastus2", creditsPerHour: 14) != nil)
    }

    @Test func aPoolsFilePoolIsNamedAndAContractPriceDoesNotHideIt() throws {
        let file = try PoolsFile.parse("""
            [defaults]
            region = "azure-eastus2"
            [[pools]]
            name = "GPU_POOL"
            family = "GPU_NV_L"
            credit_price = "2.50"
            """, file: "gpu.toml")
        let entries = file.pools.map { PlanEntry(plan: $0.plan, region: $0.region ?? file.defaults.region, creditPrice: $0.creditPrice) }
        #expect {
            try EstimateService(catalog: env.catalog).estimate(
                plans: entries, options: PlanEstimateOptions(period: .month(year: 2026, month: 5)), today: CivilDate("2026-05-01")!)
        } throws: { error in
            (error as? FamilyNotOfferedError)?.description.hasPrefix("pool GPU_POOL: GPU_NV_L is not offered in azure-eastus2;") == true
        }
    }

    @Test func reconcileOfMeteredUsageOnlyWarns() throws {
        let cache = try UsageCache(.memory)
        _ = try ImportService(env: env).importCSV(path: "Fixtures/emulator-sample/SNOWPARK_CONTAINER_SERVICES_HISTORY.csv",
                                                  timeZone: nil, into: cache)
        let pools = try PoolsFile.parse("""
            [defaults]
            rate_card = "2026-04"
            region = "azure-eastus2"
            [[pools]]
            name = "ALWAYS_ON_POOL"
            family = "GPU_NV_L"
            """, file: "gpu.toml")
        let r = try ReconcileService(env: env).reconcile(
            ReconcileOptions(pools: pools, from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-30")!), cache: cache)
        #expect(r.pools.first?.meteredCredits ?? 0 > 0)
        #expect(r.warnings.contains("pool ALWAYS_ON_POOL: GPU_NV_L is not offered in azure-eastus2 (it is offered on AWS "
                                    + "(only aws-us-east-1, aws-us-west-2)); its metered usage is reported as metered, "
                                    + "but check the pool's family and region."))
    }

    @Test func patternsMatchWholeRegionIds() {
        let r = { (t: String) in RegionID(t)! }
        #expect(RateCard.RegionOffer.matches("aws-cn-*", r("aws-cn-northwest-1")))
        #expect(!RateCard.RegionOffer.matches("aws-cn-*", r("aws-ca-central-1")))
        #expect(RateCard.RegionOffer.matches("aws-us-gov-*", r("AWS_US_GOV_WEST_1")))
        #expect(!RateCard.RegionOffer.matches("gcp-me-central2", r("gcp-me-central1")))
        #expect(RateCard.RegionOffer.matches("*-gov", r("aws-us-east-1-gov")))
    }
}
