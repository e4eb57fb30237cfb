import DocmergeModel
import Foundation

/// The figures `docmerge metrics` prints, computed from the database (so they survive
/// restarts) plus, in the runner's dumps, its live histograms.
public struct MetricsReport: Sendable {
    public var documentsTotal = 0
    public var statusCounts: [ReviewStatus: Int] = [:]
    public var classified = 0
    public var classifiedFlagged = 0
    public var classifiedAutoApproved = 0
    public var mergeFailures = 0
    public var rollbacks = 0
    public var flaggedReviewed = 0
    public var flaggedMarkedCorrect = 0
    public var mergeLatency = LatencyHistogram()
    public var timeToAvailability = LatencyHistogram()
    public var flagReasons: [FlagCode: Int] = [:]
    public var overdueFlagged = 0
    public var conflictsOpen = 0
    /// Records imported from the old approval workflow: counted apart, never in the rates.
    public var legacyDocuments = 0
    public var legacyFlaggedOpen = 0
    public var sampleSize = 0
    public var sampleReviewed = 0
    public var sampleWrong = 0
    public var live: LiveMetrics?
    /// The notifier's deliveries, failures and drops (from its outbox).
    public var notifications = NotificationCounts()

    static func rate(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }

    public var flagRate: Double { Self.rate(classifiedFlagged, classified) }
    public var autoApprovalRate: Double { Self.rate(classifiedAutoApproved, classified) }
    public var mergeFailureRate: Double { Self.rate(mergeFailures, documentsTotal) }
    public var rollbackRate: Double { Self.rate(rollbacks, documentsTotal) }
    /// Flagged documents marked correct without changes ÷ flagged documents reviewed.
    public var falsePositiveRate: Double { Self.rate(flaggedMarkedCorrect, flaggedReviewed) }

    /// False-negative estimate from the quality sample, with a 95% Wilson interval.
    public var falseNegativeEstimate: (rate: Double, low: Double, high: Double) {
        Self.wilson(successes: sampleWrong, trials: sampleReviewed)
    }

    public static func wilson(successes: Int, trials: Int) -> (rate: Double, low: Double, high: Double) {
        guard trials > 0 else { return (0, 0, 1) }
        let z = 1.959964, n = Double(trials), p = Double(successes) / n
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let margin = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
        return (p, max(0, centre - margin), min(1, centre + margin))
    }
}

extension RecordStore {
    /// `latencies: false` skips the percentile scan over every document (the runner's
    /// periodic dump uses its live histograms instead).
    public func metrics(overdueDays: Double = 7, latencies: Bool = true) throws -> MetricsReport {
        try db.readTransaction {
            var m = MetricsReport()
            m.statusCounts = try statusCounts()
            m.documentsTotal = m.statusCounts.values.reduce(0, +)
            try db.forEach("SELECT classified_as, count(*) FROM documents WHERE classified_as IS NOT NULL AND legacy = 0 GROUP BY classified_as") {
                m.classified += $0.int(1)
                if $0.text(0) == "flagged" { m.classifiedFlagged = $0.int(1) } else { m.classifiedAutoApproved += $0.int(1) }
            }
            m.mergeFailures = try db.scalarInt("SELECT count(*) FROM documents WHERE failed_merges > 0") ?? 0
            m.rollbacks = try db.scalarInt("SELECT count(*) FROM documents WHERE review_action = 'rollback'") ?? 0
            m.flaggedReviewed = try db.scalarInt("SELECT count(*) FROM documents WHERE classified_as = 'flagged' AND review_action IS NOT NULL") ?? 0
            m.flaggedMarkedCorrect = try db.scalarInt("SELECT count(*) FROM documents WHERE classified_as = 'flagged' AND review_action = 'mark_correct'") ?? 0
            if latencies { try db.forEach("SELECT merge_ms, availability_ms FROM documents WHERE merge_ms IS NOT NULL") {
                m.mergeLatency.record($0.double(0))
                if !$0.isNull(1) { m.timeToAvailability.record($0.double(1)) }
            } }
            try db.forEach("SELECT flag_codes, count(*) FROM documents WHERE flag_codes <> '' GROUP BY flag_codes") { row in
                for code in row.text(0).split(separator: ",") {
                    if let flag = FlagCode(rawValue: String(code)) { m.flagReasons[flag, default: 0] += row.int(1) }
                }
            }
            let cutoff = Timestamp.format(now().addingTimeInterval(-overdueDays * 86_400))
            m.overdueFlagged = try db.scalarInt("SELECT count(*) FROM documents WHERE review_status = 'flagged' AND created_at <= ?", cutoff) ?? 0
            m.legacyDocuments = try db.scalarInt("SELECT count(*) FROM documents WHERE legacy = 1") ?? 0
            m.legacyFlaggedOpen = try db.scalarInt("SELECT count(*) FROM documents WHERE legacy = 1 AND review_status = 'flagged'") ?? 0
            m.conflictsOpen = try db.scalarInt("SELECT count(DISTINCT document_id) FROM conflicts WHERE resolved = 0") ?? 0
            m.sampleSize = try db.scalarInt("SELECT count(*) FROM documents WHERE sampled = 1") ?? 0
            m.sampleReviewed = try db.scalarInt("SELECT count(*) FROM documents WHERE sampled = 1 AND review_action IS NOT NULL") ?? 0
            m.sampleWrong = try db.scalarInt("SELECT count(*) FROM documents WHERE sampled = 1 AND review_action IN ('correct', 'rollback')") ?? 0
            m.notifications = try notificationCounts()
            return m
        }
    }
}
