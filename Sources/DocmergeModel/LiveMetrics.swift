/// What a running pipeline has seen since it started (not persisted).
public struct LiveMetrics: Sendable, Equatable {
    public var merged = 0
    public var flagged = 0
    public var unchanged = 0
    public var stale = 0
    public var conflicts = 0
    public var rejected = 0
    public var failed = 0
    public var mergeLatency = LatencyHistogram()
    public var landedToCommitted = LatencyHistogram()
    public var availability = LatencyHistogram()
    public init() {}
}
