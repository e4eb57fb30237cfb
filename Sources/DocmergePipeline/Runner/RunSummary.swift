import DocmergeCore
import DocmergeModel

/// What one run did, for `--once` and the demo.
public struct RunSummary: Sendable {
    public var merged = 0
    public var unchanged = 0
    public var stale = 0
    public var conflicts = 0
    public var rejected = 0
    public var failed = 0
    public var statuses: [ReviewStatus: Int] = [:]
    public var reasons: [FlagCode: Int] = [:]
    public var mergeLatency = LatencyHistogram()
    public var landedToCommitted = LatencyHistogram()
    public var availability = LatencyHistogram()

    public init() {}

    public var files: Int { merged + unchanged + stale + conflicts + rejected + failed }

    public var lines: [String] {
        func ms(_ v: Double) -> String { v >= 100 ? String(format: "%.0f", v) : String(format: "%.2f", v) }
        var out = ["\(files) files: \(merged) merged, \(unchanged) unchanged replays, \(stale) stale extractions, \(conflicts) conflicts with a person's decision, \(rejected) rejected, \(failed) failed"]
        if merged > 0 {
            out.append("  status: " + [ReviewStatus.autoApproved, .flagged].map { "\($0.rawValue) \(statuses[$0] ?? 0)" }.joined(separator: ", "))
            if !reasons.isEmpty {
                out.append("  flag reasons: " + FlagCode.allCases.compactMap { code in
                    reasons[code].map { "\(code.label) \($0)" } }.joined(separator: ", "))
            }
            out.append("  merge latency: p50 \(ms(mergeLatency.percentile(0.5))) ms, p99 \(ms(mergeLatency.percentile(0.99))) ms")
            out.append("  file seen → committed: p50 \(ms(landedToCommitted.percentile(0.5))) ms, p99 \(ms(landedToCommitted.percentile(0.99))) ms")
            out.append("  time to availability (from upload): p50 \(ms(availability.percentile(0.5))) ms, p99 \(ms(availability.percentile(0.99))) ms")
        }
        return out
    }
}
