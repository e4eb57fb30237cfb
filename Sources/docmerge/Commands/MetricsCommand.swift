import DocmergeCore
import DocmergeModel
import Foundation

struct MetricsCommand: Command {
    static let name = "metrics"
    static let summary = "flag rate, latency, failures, false positives"
    static let usage = """
        Usage: docmerge metrics --db FILE [--format json|prometheus|text]

        Computed from the database (it survives restarts). json keys: documents_total, the counts
        per review status, flag_rate, auto_approval_rate, merge_failures, merge_failure_rate,
        rollbacks, rollback_rate, false_positive_rate, merge_latency_ms and
        time_to_availability_ms (p50/p95/p99/max), flag_reasons, overdue_flagged, quality_sample.
        A running runner also rewrites metrics.prom and metrics.json beside the database: the
        same counts, with the latencies of what that runner merged since it started.
        """
    static let options: Set<String> = ["db", "format", "overdue-days"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        let store = try RecordStore.openForReading(try args.database())
        let report = try store.metrics(overdueDays: Double(args.value("overdue-days") ?? "7") ?? 7)
        switch args.value("format") ?? "text" {
        case "json": Output.json(report.json)
        case "prometheus": Output.write(1, Array(report.prometheus.utf8))
        case "text":
            func pct(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
            Output.out("documents: \(report.documentsTotal) (" + ReviewStatus.allCases.map { "\($0.rawValue) \(report.statusCounts[$0] ?? 0)" }.joined(separator: ", ") + ")")
            Output.out("flag rate \(pct(report.flagRate)), auto-approval rate \(pct(report.autoApprovalRate))")
            Output.out("merge failures \(report.mergeFailures) (\(pct(report.mergeFailureRate))), rollbacks \(report.rollbacks) (\(pct(report.rollbackRate)))")
            Output.out("false positive rate \(pct(report.falsePositiveRate)) of \(report.flaggedReviewed) flagged documents reviewed")
            Output.out(String(format: "merge latency p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms", report.mergeLatency.percentile(0.5), report.mergeLatency.percentile(0.95), report.mergeLatency.percentile(0.99), report.mergeLatency.max))
            Output.out(String(format: "time to availability p50 %.0f ms, p99 %.0f ms", report.timeToAvailability.percentile(0.5), report.timeToAvailability.percentile(0.99)))
            Output.out("flag reasons: " + FlagCode.allCases.map { "\($0.rawValue) \(report.flagReasons[$0] ?? 0)" }.joined(separator: ", "))
            Output.out("overdue flagged: \(report.overdueFlagged), open conflicts: \(report.conflictsOpen)")
            let fn = report.falseNegativeEstimate
            Output.out(String(format: "quality sample: %d documents, %d reviewed, %d wrong; false-negative rate %.1f%% (95%% CI %.1f–%.1f%%)", report.sampleSize, report.sampleReviewed, report.sampleWrong, fn.rate * 100, fn.low * 100, fn.high * 100))
        default:
            throw DocmergeError(.usage, "--format is json, prometheus or text.")
        }
        return 0
    }
}
