import Foundation

/// One hourly row of `SNOWFLAKE.ACCOUNT_USAGE.SNOWPARK_CONTAINER_SERVICES_HISTORY`: the credits one compute pool
/// used in one hour (docs.snowflake.com, account-usage `snowpark_container_services_history`, spcs-facts §3 [S8a]).
///
/// The view has no service, instance-family or node columns; the family comes from COMPUTE_POOLS or a pools file.
public struct UsageRecord: Hashable, Sendable {
    /// START_TIME: start of the hour, a UTC instant (the view shows it in the session's time zone, TIMESTAMP_LTZ).
    public var startTime: Date
    /// END_TIME: end of the hour, a UTC instant.
    public var endTime: Date
    /// COMPUTE_POOL_NAME: the pool that incurred the usage.
    public var computePoolName: String
    /// COMPUTE_POOL_ID: internal pool id; nil when the export has no such column (older view versions) or it is NULL.
    public var computePoolID: Int64?
    /// IS_EXCLUSIVE: true when the pool was created for an application; nil when absent.
    public var isExclusive: Bool?
    /// APPLICATION_NAME: nil when no application, or the application no longer exists.
    public var applicationName: String?
    /// APPLICATION_ID: text, since older documentation types it VARCHAR and newer NUMBER; nil when no application.
    public var applicationID: String?
    /// CREDITS_USED: credits the pool used in the hour, exact (NUMBER(38,9)).
    public var creditsUsed: NanoCredits
    /// The organization name (`MYORG`), upper case; `""` when not known (a CSV without ORGANIZATION_NAME, a pull
    /// through an account locator).
    public var organization: String
    /// The account name (`MYACCOUNT`, or the locator when the connection names the account by locator), upper
    /// case; `""` when not known (a CSV without ACCOUNT_NAME).
    public var account: String
    /// The period the row covers: `.hour` (a row of the view as it is), or `.day` (a pull at `--grain day`: the
    /// view's rows of one pool and UTC day summed in Snowflake; START_TIME is 00:00 UTC of the day, END_TIME the
    /// latest END_TIME summed, CREDITS_USED the sum).
    public var grain: LedgerGrain

    /// Creates a row; see the properties for units.
    public init(startTime: Date, endTime: Date, computePoolName: String, computePoolID: Int64? = nil,
                isExclusive: Bool? = nil, applicationName: String? = nil, applicationID: String? = nil,
                creditsUsed: NanoCredits, organization: String = "", account: String = "", grain: LedgerGrain = .hour) {
        self.grain = grain
        self.startTime = startTime
        self.endTime = endTime
        self.computePoolName = computePoolName
        self.computePoolID = computePoolID
        self.isExclusive = isExclusive
        self.applicationName = applicationName
        self.applicationID = applicationID
        self.creditsUsed = creditsUsed
        self.organization = organization
        self.account = account
    }
}

extension UsageRecord {
    /// The most CREDITS_USED one hourly row may hold: 100,000 credits (10¹⁴ nano-credits).
    ///
    /// Why this bound: sums of nano-credits are exact 64-bit integers (`Int64.max` ≈ 9.22 × 10¹⁸). At this bound a
    /// pool's leap year of hourly rows sums to 8,784 × 10¹⁴ = 8.8 × 10¹⁷, and what-if's per-day sums of credits × 3600
    /// (exact credit-seconds) reach 25 h × 3600 × 10¹⁴ = 9.0 × 10¹⁸; both fit. The largest pool Snowflake documents
    /// uses about 7,060 credits an hour (500 nodes of GPU_NV_L at 14.12 credits per node-hour, spcs-facts §1a, §1b),
    /// so no real row comes near.
    public static let maximumCreditsUsed = NanoCredits(100_000 * 1_000_000_000)

    /// The most CREDITS_USED one row of `grain` may hold: ``maximumCreditsUsed`` for an hour, 24 times it
    /// (2,400,000 credits) for a UTC day, the sum of a day's hours at the hourly bound. A day row lands in the
    /// day's first hour of the per-month series, so a day of what-if credit-seconds still fits 64 bits
    /// (24 × 10¹⁴ × 3600 = 8.6 × 10¹⁸).
    public static func maximumCreditsUsed(for grain: LedgerGrain) -> NanoCredits {
        grain == .day ? NanoCredits(24 * maximumCreditsUsed.value) : maximumCreditsUsed
    }

    /// The instants a row's START_TIME and END_TIME may take: years 1 to 9999, UTC (ISO 8601's four-digit years;
    /// the cache's month and day arithmetic is defined over them).
    public static let instantRange: Range<Date> =
        Date(timeIntervalSince1970: -62_135_596_800)..<Date(timeIntervalSince1970: 253_402_300_800)

    /// What makes a row unfit for the cache.
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        /// CREDITS_USED is below zero.
        case negativeCredits
        /// CREDITS_USED is above ``UsageRecord/maximumCreditsUsed``.
        case creditsAboveMaximum
        /// CREDITS_USED of a day row is above ``UsageRecord/maximumCreditsUsed(for:)`` of `.day`.
        case dayCreditsAboveMaximum
        /// START_TIME (`isStart`) or END_TIME lies outside ``UsageRecord/instantRange``.
        case instantOutOfRange(isStart: Bool)
        /// COMPUTE_POOL_NAME holds a control character (U+0000 to U+001F or U+007F), such as a NUL that would cut
        /// the name short.
        case controlCharacterInPoolName

        /// The column the problem is in.
        public var column: String {
            switch self {
            case .negativeCredits, .creditsAboveMaximum, .dayCreditsAboveMaximum: "CREDITS_USED"
            case let .instantOutOfRange(isStart): isStart ? "START_TIME" : "END_TIME"
            case .controlCharacterInPoolName: "COMPUTE_POOL_NAME"
            }
        }

        /// What is wrong and what to do, to follow the column and value.
        public var description: String {
            switch self {
            case .negativeCredits:
                "is negative; SPCS usage is never below zero, so check the column is CREDITS_USED"
            case .creditsAboveMaximum:
                "is more than 100000 credits in one hour, beyond any compute pool (the largest use about 7,060); "
                    + "check the column is CREDITS_USED and the decimal separator is '.'"
            case .dayCreditsAboveMaximum:
                "is more than 2400000 credits in one UTC day (24 hours of 100000 credits), beyond any compute pool; "
                    + "check the column is CREDITS_USED"
            case .instantOutOfRange:
                "is outside the years 1 to 9999"
            case .controlCharacterInPoolName:
                "holds a control character (such as NUL) that no pool name has; export the names as text"
            }
        }
    }

    /// `text` with each control character written as `\u{0}` (its scalar in hex), so a message can quote it.
    public static func visible(_ text: String) -> String {
        var out = ""
        for u in text.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7F { out += "\\u{\(String(u.value, radix: 16, uppercase: true))}" } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    /// The value `problem` is about, as a message quotes it: credits with nine fraction digits, an instant in ISO 8601
    /// (or seconds since 1970 where ISO 8601 has no year for it), the pool name with control characters spelled out.
    public func quotedValue(for problem: Problem) -> String {
        switch problem {
        case .negativeCredits, .creditsAboveMaximum, .dayCreditsAboveMaximum:
            return creditsUsed.description
        case let .instantOutOfRange(isStart):
            return "\(Int64((isStart ? startTime : endTime).timeIntervalSince1970)) s after 1970-01-01T00:00:00Z"
        case .controlCharacterInPoolName:
            return Self.visible(computePoolName)
        }
    }

    /// The first problem that keeps this row out of the cache, or nil when it may go in. Checked where rows enter:
    /// CSV import and pulls.
    public var problem: Problem? {
        if creditsUsed.value < 0 { return .negativeCredits }
        if creditsUsed > Self.maximumCreditsUsed(for: grain) {
            return grain == .day ? .dayCreditsAboveMaximum : .creditsAboveMaximum
        }
        if !Self.instantRange.contains(startTime) { return .instantOutOfRange(isStart: true) }
        if !Self.instantRange.contains(endTime) { return .instantOutOfRange(isStart: false) }
        if computePoolName.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return .controlCharacterInPoolName
        }
        return nil
    }
}
