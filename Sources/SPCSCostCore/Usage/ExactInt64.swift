import Foundation

/// A sum or product of exact integer quantities (nano-credits, node-seconds) that does not fit in 64 bits.
/// spcs-cost keeps such quantities exact in `Int64`; this is the clear error where a trap would otherwise end the
/// process. Row values are bounded where rows come in (``UsageRecord/maximumCreditsUsed``), so only very long
/// periods of implausibly large usage reach it.
public struct ArithmeticLimitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being added up, e.g. `the metered credits of pool P from 2024-01-01 to 2034-12-31`.
    public let quantity: String

    /// Creates the error for `quantity`.
    public init(quantity: String) { self.quantity = quantity }

    public var description: String {
        "\(quantity) exceed what spcs-cost adds up exactly (64-bit integers: 9,223,372,036 credits, or 292 billion "
            + "years of node-seconds); use a shorter period, and check the data for implausible values."
    }
}

/// Exact `Int64` arithmetic that throws ``ArithmeticLimitError`` instead of trapping on overflow.
public enum ExactInt64 {
    /// `a + b`.
    /// - Throws: ``ArithmeticLimitError`` naming `quantity` when the sum does not fit.
    @inlinable
    public static func add(_ a: Int64, _ b: Int64, _ quantity: @autoclosure () -> String) throws(ArithmeticLimitError)
        -> Int64 {
        let (r, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw ArithmeticLimitError(quantity: quantity()) }
        return r
    }

    /// `a × b`.
    /// - Throws: ``ArithmeticLimitError`` naming `quantity` when the product does not fit.
    @inlinable
    public static func multiply(_ a: Int64, _ b: Int64, _ quantity: @autoclosure () -> String)
        throws(ArithmeticLimitError) -> Int64 {
        let (r, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw ArithmeticLimitError(quantity: quantity()) }
        return r
    }
}
