import Foundation

extension Dictionary where Key: Comparable {
    /// The values in ascending key order. Sums of amounts that Decimal rounds to 38 digits (a non-terminating
    /// quotient such as a month's price over 30 days, or a task's 60 s at 1 credit an hour) depend on the order they
    /// are added in, and a Dictionary's own order changes from process to process: adding in key order gives the same
    /// exact figure in every run.
    public var valuesInKeyOrder: [Value] { keys.sorted().map { self[$0]! } }
}

extension Dictionary where Key: CaseIterable {
    /// The values in the order of `Key.allCases` (see ``Dictionary/valuesInKeyOrder`` for why the order matters).
    public var valuesInCaseOrder: [Value] { Key.allCases.compactMap { self[$0] } }
}
