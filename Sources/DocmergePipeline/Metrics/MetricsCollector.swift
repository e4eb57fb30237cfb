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
/// the runner asks for a dump (`requestDump`, which does not wait for it either): database
/// figures plus these histograms, written atomically to `metrics.prom` and `metrics.json`
/// beside the database. The database figures are read again only when `MetricsRefresh`
/// says so (the database changed, and the last read's cost allows).
public actor MetricsCollector {
    private let executor = SerialQueueExecutor(label: "docmerge.metrics")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private enum Input: Sendable {
        case event(MetricEvent)
        case dump
    }

    private let continuation: AsyncStream<Input>.Continuation
    private let inputs: AsyncStream<Input>
    private let dbPath: String
    private let overdueDays: Double
    private let clock: any PipelineClock
    private let problems: @Sendable (String) -> Void
    public private(set) var live = LiveMetrics()
    /// One read-only connection for every dump (opened on first use).
    private var store: RecordStore?
    /// The database figures of the last read, and when to read them again.
    private var figures: MetricsReport?
    private var refresh = MetricsRefresh()
    /// Reads of the database figures so far (for tests).
    public private(set) var databaseReads = 0

    /// `problems`: where a dump that `requestDump` asked for reports a failure.
    public init(dbPath: String, overdueDays: Double, clock: any PipelineClock = SystemClock(),
                problems: @escaping @Sendable (String) -> Void = { _ in }) {
        (inputs, continuation) = AsyncStream.makeStream(of: Input.self)
        self.dbPath = dbPath
        self.overdueDays = overdueDays
        self.clock = clock
        self.problems = problems
    }

    public nonisolated func record(_ event: MetricEvent) { continuation.yield(.event(event)) }

    /// Asks for a dump after the events recorded so far; returns at once.
    public nonisolated func requestDump() { continuation.yield(.dump) }

    public nonisolated func finish() { continuation.finish() }

    /// Consumes events and dump requests until `finish()`.
    public func run() async {
        for await input in inputs {
            switch input {
            case .event(let event): apply(event)
            case .dump: if let problem = dump() { problems(problem) }
            }
        }
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

    /// Writes metrics.prom and metrics.json; a failure is reported, never fatal. `fresh`:
    /// read the database figures whatever `MetricsRefresh` says (the runner's last dump).
    public func dump(fresh: Bool = false) -> String? {
        do {
            let store = try self.store ?? RecordStore(path: dbPath, readOnly: true)
            self.store = store
            let started = clock.uptimeNanos()
            let version = try store.dataVersion()
            var report: MetricsReport
            if let figures, !fresh, !refresh.wantsRead(now: started, version: version) {
                report = figures
            } else {
                // Counts from the database; latencies from this runner's histograms (a scan of
                // every document's timings every few seconds would grow with the database).
                report = try store.metrics(overdueDays: overdueDays, latencies: false)
                figures = report
                databaseReads += 1
                refresh.read(started: started, ended: clock.uptimeNanos(), version: version)
            }
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
