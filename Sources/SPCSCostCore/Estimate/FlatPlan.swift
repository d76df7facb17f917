import Foundation

/// The simplest plan: a pool of one instance family running `nodes` nodes for `hoursPerDay` hours on `days` days,
/// as in `spcs-cost estimate --family CPU_X64_XS --hours 10 --days 20`.
///
/// Formula: credits = credits per node-hour × nodes × hours per day × days. It ignores the 5-minute minimum per
/// node start and the auto-suspend tail; the schedule model (`--pools`, `--from-sql`) accounts for both.
public struct FlatPlan: Sendable, Hashable {
    /// Instance family of the pool.
    public var family: InstanceFamily
    /// Nodes running (MIN_NODES), at least 1.
    public var nodes: Int
    /// Billed hours per day, 0...24 (fractions allowed).
    public var hoursPerDay: Decimal
    /// Number of days, at least 0 (fractions allowed).
    public var days: Decimal

    /// Creates a plan; see the properties for bounds.
    public init(family: InstanceFamily, nodes: Int, hoursPerDay: Decimal, days: Decimal) {
        self.family = family
        self.nodes = nodes
        self.hoursPerDay = hoursPerDay
        self.days = days
    }

    /// Node-hours billed: nodes × hours per day × days.
    public var nodeHours: Decimal { Decimal(nodes) * hoursPerDay * days }

    /// The single line of this plan at `creditsPerNodeHour`, whose source is `rateSource`.
    public func line(creditsPerNodeHour: Decimal, rateSource: String, item: String = "Planned hours") -> CostLine {
        CostLine(
            item: item,
            detail: "\(nodes) node\(nodes == 1 ? "" : "s") × \(ExactDecimal.text(hoursPerDay)) h × "
                + "\(ExactDecimal.text(days)) days",
            quantity: nodeHours, unit: .nodeHours, creditsPerUnit: creditsPerNodeHour, rateSource: rateSource)
    }

    /// The same pool always on (24 hours a day) for `periodDays` days.
    public func alwaysOn(periodDays: Int) -> FlatPlan {
        FlatPlan(family: family, nodes: nodes, hoursPerDay: 24, days: Decimal(periodDays))
    }
}
