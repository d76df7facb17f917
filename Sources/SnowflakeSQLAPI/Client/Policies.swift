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

/// Retry of one HTTP request on 429, 503, 504, connection failures and truncated bodies, with exponential
/// backoff and full jitter: before attempt n+1 the client sleeps `jitter() × min(maxDelaySeconds,
/// baseDelaySeconds × 2^(n-1))`, where `jitter()` is uniform in [0, 1) (sqlapi.md section 5: SPEC recommends
/// jittered backoff for 503/504; AWS "Exponential Backoff And Jitter", full jitter).
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts per request, the first included. Default 6.
    public var maxAttempts: Int
    /// Wall-clock budget per request from its first attempt, in seconds: no retry sleeps past it. Default 120.
    public var maxTotalSeconds: Double
    /// The backoff cap before jitter for the first retry, in seconds. Default 0.5.
    public var baseDelaySeconds: Double
    /// The largest backoff cap, in seconds. Default 16.
    public var maxDelaySeconds: Double

    /// A policy with the given limits.
    public init(
        maxAttempts: Int = 6, maxTotalSeconds: Double = 120, baseDelaySeconds: Double = 0.5, maxDelaySeconds: Double = 16
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxTotalSeconds = maxTotalSeconds
        self.baseDelaySeconds = baseDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds
    }

    /// The backoff cap before retry number `retry` (1 for the first retry): `min(maxDelaySeconds,
    /// baseDelaySeconds × 2^(retry-1))`.
    public func delayCap(beforeRetry retry: Int) -> Double {
        min(maxDelaySeconds, baseDelaySeconds * pow(2, Double(max(0, retry - 1))))
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
