import DocmergeConcurrency
import DocmergeCore
import DocmergeModel
import Dispatch
import Foundation

/// What stages report, fire-and-forget.
public enum MetricEvent: Sendable {
    case merged(status: ReviewStatus, mergeMs: Double, landedToCommittedMs: Double, availabilityMs: Double)
    case unchanged
    case stale
    case conflict
    case rejected
    case failed
}

/// Live counters and latency histograms. Stages call the nonisolated `record`, which
/// only yields into a stream, so the hot path never awaits metrics. Every few seconds
/// the runner asks for a dump: database figures plus these histograms, written
/// atomically to `metrics.prom` and `metrics.json` beside the database.
public actor MetricsCollector {
    private let executor = SerialQueueExecutor(label: "docmerge.metrics")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let continuation: AsyncStream<MetricEvent>.Continuation
    private let events: AsyncStream<MetricEvent>
    private let dbPath: String
    private let overdueDays: Double
    public private(set) var live = LiveMetrics()
    /// One read-only connection for every dump (opened on first use).
    private var store: RecordStore?

    public init(dbPath: String, overdueDays: Double) {
        (events, continuation) = AsyncStream.makeStream(of: MetricEvent.self)
        self.dbPath = dbPath
        self.overdueDays = overdueDays
    }

    public nonisolated func record(_ event: MetricEvent) { continuation.yield(event) }

    public nonisolated func finish() { continuation.finish() }

    /// Consumes events until `finish()`.
    public func run() async {
        for await event in events { apply(event) }
    }

    private func apply(_ event: MetricEvent) {
        switch event {
        case .merged(let status, let mergeMs, let landed, let availability):
            live.merged += 1
            if status == .flagged { live.flagged += 1 }
            live.mergeLatency.record(mergeMs)
            live.landedToCommitted.record(landed)
            live.availability.record(availability)
        case .unchanged: live.unchanged += 1
        case .stale: live.stale += 1
        case .conflict: live.conflicts += 1
        case .rejected: live.rejected += 1
        case .failed: live.failed += 1
        }
    }

    /// Writes metrics.prom and metrics.json; a failure is reported, never fatal.
    public func dump() -> String? {
        do {
            let store = try self.store ?? RecordStore(path: dbPath, readOnly: true)
            self.store = store
            // Counts from the database; latencies from this runner's histograms (a scan of
            // every document's timings every few seconds would grow with the database).
            var report = try store.metrics(overdueDays: overdueDays, latencies: false)
            report.mergeLatency = live.mergeLatency
            report.timeToAvailability = live.availability
            report.live = live
            let base = (dbPath as NSString).deletingLastPathComponent
            let dir = base.isEmpty ? "." : base
            try Inbox.writeAtomically(Array(report.prometheus.utf8), to: dir + "/metrics.prom")
            try Inbox.writeAtomically(report.json.bytes + [0x0A], to: dir + "/metrics.json")
            return nil
        } catch {
            return "Could not write the metrics files: \(error)."
        }
    }
}
