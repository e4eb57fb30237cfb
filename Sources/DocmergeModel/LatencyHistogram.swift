import Foundation

/// Latencies in milliseconds: log-scale buckets 2% wide for percentiles with bounded
/// memory however many values, plus the fixed Prometheus bucket bounds.
public struct LatencyHistogram: Sendable, Equatable {
    public static let prometheusBounds: [Double] = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000]
    private static let growth = log(1.02)
    private static let floorMs = 0.001

    private var counts: [Int: Int] = [:]
    public private(set) var count = 0
    public private(set) var sum = 0.0
    public private(set) var max = 0.0

    public init() {}

    public init<S: Sequence>(_ values: S) where S.Element == Double {
        for value in values { record(value) }
    }

    public mutating func record(_ ms: Double) {
        let value = Swift.max(0, ms.isFinite ? ms : 0)
        counts[Self.bucket(value), default: 0] += 1
        count += 1
        sum += value
        max = Swift.max(max, value)
    }

    public mutating func merge(_ other: LatencyHistogram) {
        for (bucket, n) in other.counts { counts[bucket, default: 0] += n }
        count += other.count
        sum += other.sum
        max = Swift.max(max, other.max)
    }

    static func bucket(_ ms: Double) -> Int {
        ms <= floorMs ? 0 : Int((log(ms / floorMs) / growth).rounded(.up))
    }

    static func upperBound(_ bucket: Int) -> Double { floorMs * exp(Double(bucket) * growth) }

    /// The value at quantile `q` (0…1), within 2%; 0 when empty.
    public func percentile(_ q: Double) -> Double {
        guard count > 0 else { return 0 }
        let rank = Swift.max(1, Int((q * Double(count)).rounded(.up)))
        var seen = 0
        for bucket in counts.keys.sorted() {
            seen += counts[bucket] ?? 0
            if seen >= rank { return Swift.min(Self.upperBound(bucket), max) }
        }
        return max
    }

    /// Cumulative counts at each Prometheus bound (values ≤ bound), then +Inf.
    public var cumulative: [(bound: Double, count: Int)] {
        let sorted = counts.sorted { $0.key < $1.key }
        return Self.prometheusBounds.map { bound in
            (bound, sorted.reduce(0) { $0 + (Self.upperBound($1.key) <= bound * 1.0000001 ? $1.value : 0) })
        }
    }
}
