import Foundation

/// Waits between retries and polls. Injected so tests run instantly and can assert the delays.
public protocol Sleeper: Sendable {
    /// Suspends for `seconds` (≥ 0).
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    func sleep(seconds: Double) async throws
}

/// The live ``Sleeper``: `Task.sleep`.
public struct TaskSleeper: Sleeper {
    /// A sleeper backed by `Task.sleep`.
    public init() {}

    /// Waits `seconds` (negative counts as 0).
    /// - Throws: `CancellationError` when the task is cancelled.
    public func sleep(seconds: Double) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }
}

/// Retry of one HTTP request, with exponential backoff and full jitter: before attempt n+1 the client sleeps
/// `jitter() × min(maxDelaySeconds, baseDelaySeconds × 2^(n-1))`, where `jitter()` is uniform in [0, 1)
/// (sqlapi.md section 5: SPEC recommends jittered backoff for 503/504; AWS "Exponential Backoff And Jitter", full
/// jitter), or exactly what a `Retry-After` header asks for.
///
/// Retried: 429, 503 and 504; a 5xx answer whose body is not JSON (a proxy's or load balancer's page); a 200 or 202
/// whose body is not JSON or ends early; connection failures, drops and timeouts (a hung request is retried after
/// its own timeout). A 500 and a 408 (the statement was cancelled at its timeout) are resubmitted once each. A POST
/// is always resubmitted with the same `requestId` and `retry=true`, so Snowflake does not run it twice. Every
/// attempt and every wait ends by the client's deadline (``SQLAPIClientOptions/deadlineSeconds``).
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts per request, the first included (the `--max-attempts` flag of `pull` and `nightly`). Default 6.
    public var maxAttempts: Int
    /// The backoff cap before jitter for the first retry, in seconds. Default 0.5.
    public var baseDelaySeconds: Double
    /// The largest backoff cap, in seconds. Default 16.
    public var maxDelaySeconds: Double

    /// Statuses resubmitted once per request: 500 (an internal error may be transient) and 408 (the statement
    /// reached its timeout and was cancelled). A second answer with the same status is final.
    public static let resubmittedOnce: Set<Int> = [408, 500]

    /// A policy with the given limits.
    public init(maxAttempts: Int = 6, baseDelaySeconds: Double = 0.5, maxDelaySeconds: Double = 16) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelaySeconds = baseDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds
    }

    /// The backoff cap before retry number `retry` (1 for the first retry): `min(maxDelaySeconds,
    /// baseDelaySeconds × 2^(retry-1))`.
    public func delayCap(beforeRetry retry: Int) -> Double {
        min(maxDelaySeconds, baseDelaySeconds * pow(2, Double(max(0, retry - 1))))
    }

    /// The wait a `Retry-After` header value asks for, in seconds (RFC 9110 section 10.2.3): delay-seconds
    /// (`"120"`) or an HTTP-date (`"Wed, 21 Oct 2026 07:28:00 GMT"`, measured from `now`, never negative). Nil for
    /// an absent or unreadable value.
    public static func retryAfterSeconds(_ value: String?, now: Date) -> Double? {
        guard let text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) { return Double(text) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}

/// Polling of a statement that answered 202 (sqlapi.md section 3.5): the first wait is
/// `initialIntervalSeconds`, each later one `multiplier` times longer, capped at `maxIntervalSeconds`.
public struct PollPolicy: Sendable, Equatable {
    /// The first wait, in seconds. Default 0.25.
    public var initialIntervalSeconds: Double
    /// Growth factor per poll. Default 2.
    public var multiplier: Double
    /// The longest wait, in seconds. Default 5.
    public var maxIntervalSeconds: Double

    /// A policy with the given intervals.
    public init(initialIntervalSeconds: Double = 0.25, multiplier: Double = 2, maxIntervalSeconds: Double = 5) {
        self.initialIntervalSeconds = initialIntervalSeconds
        self.multiplier = multiplier
        self.maxIntervalSeconds = maxIntervalSeconds
    }

    /// The wait before poll number `poll` (1 for the first).
    public func interval(beforePoll poll: Int) -> Double {
        min(maxIntervalSeconds, initialIntervalSeconds * pow(multiplier, Double(max(0, poll - 1))))
    }
}
