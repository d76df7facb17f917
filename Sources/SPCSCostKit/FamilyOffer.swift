import Foundation
import SPCSCostCore

/// An estimate for an instance family that the chosen region does not offer. `description` names where it is
/// offered and the source that says so.
public struct FamilyNotOfferedError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The family.
    public let family: InstanceFamily
    /// The region of the estimate.
    public let region: RegionID
    /// Where it is offered, in words (``RateCard/Rate/offeredWhere``).
    public let offeredWhere: String
    /// The documents behind the regional limits; nil when the cloud alone rules it out.
    public let source: String?
    /// The pool of a pools file or setup SQL; nil when the family and region come from flags.
    public let pool: String?

    public var description: String {
        let subject = pool.map { "pool \($0): " } ?? ""
        let fix = pool == nil ? "use --family with a family offered there, or --region with the pool's region"
            : "check the pool's family and the region (its region key, [defaults] region or --region)"
        return "\(subject)\(family) is not offered in \(region); it is offered on \(offeredWhere)"
            + (source.map { " (\($0))" } ?? " (rate card)") + "; \(fix)."
    }
}

extension EstimateService {
    /// Checks that `family` can be had in the region `regionText` before an estimate prices it: an error where the
    /// rate card's offer data says it is not offered (another cloud, or a region its sources exclude), a warning
    /// where they do not say. Usage that was metered is never checked here: it ran, so reports and reconcile only
    /// warn (``offerWarning(family:regionText:)``).
    /// - Parameters:
    ///   - card: the card the estimate uses; nil (a `--credits-per-hour` override) takes the newest card that lists
    ///     the family.
    ///   - pool: the pool's name when it comes from a file, for the message.
    /// - Throws: ``FamilyNotOfferedError``. A region that is not a region id is left to the pricing step to report.
    public func checkOffer(family: InstanceFamily, regionText: String, card: RateCard?, pool: String?,
                           warnings: inout [String]) throws {
        guard let region = RegionID(regionText), let rate = rate(of: family, card: card) else { return }
        switch rate.offer(in: region) {
        case .offered:
            return
        case .notOffered:
            throw FamilyNotOfferedError(family: family, region: region, offeredWhere: rate.offeredWhere,
                                        source: rate.regions?.source, pool: pool)
        case .unknown:
            warnings.append(unknownOffer(rate, region, pool: pool))
        }
    }

    /// For metered usage (reports, reconcile): a warning when `family` is not offered, or not known to be offered,
    /// in `regionText`; nil otherwise.
    public func offerWarning(family: InstanceFamily, regionText: String, pool: String) -> String? {
        guard let region = RegionID(regionText), let rate = rate(of: family, card: nil) else { return nil }
        switch rate.offer(in: region) {
        case .offered:
            return nil
        case .notOffered:
            return "pool \(pool): \(family) is not offered in \(region) (it is offered on \(rate.offeredWhere)); its "
                + "metered usage is reported as metered, but check the pool's family and region."
        case .unknown:
            return unknownOffer(rate, region, pool: pool)
        }
    }

    private func unknownOffer(_ rate: RateCard.Rate, _ region: RegionID, pool: String?) -> String {
        (pool.map { "pool \($0): " } ?? "") + "whether \(rate.family) is offered in \(region) is not known"
            + (rate.regions.map { " (\($0.source))" } ?? "")
            + "; SHOW COMPUTE POOL INSTANCE FAMILIES in an account there tells."
    }

    private func rate(of family: InstanceFamily, card: RateCard?) -> RateCard.Rate? {
        if let card { return card.rate(for: family) }
        return catalog.rateCards.sorted { $0.effectiveFrom < $1.effectiveFrom }.compactMap { $0.rate(for: family) }.last
    }
}
