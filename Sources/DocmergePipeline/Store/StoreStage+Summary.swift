import DocmergeCore
import DocmergeModel

extension StoreStage {
    func countRejected() {
        summary.rejected += 1
        metrics.record(.rejected)
    }

    /// Counts and logs what a committed command did.
    func describe(_ outcome: MergeOutcome, document: PreparedDocument, landedMs: Double) {
        let x = document.extraction
        switch outcome {
        case .merged(let r):
            summary.merged += 1
            summary.statuses[r.status, default: 0] += 1
            for finding in r.findings { summary.reasons[finding.code, default: 0] += 1 }
            summary.mergeLatency.record(r.mergeMs)
            summary.landedToCommitted.record(landedMs)
            summary.availability.record(r.availabilityMs)
            metrics.record(.merged(status: r.status, mergeMs: r.mergeMs, landedToCommittedMs: landedMs, availabilityMs: r.availabilityMs))
            let reasons = r.findings.isEmpty ? "" : " (\(r.findings.map(\.code.label).joined(separator: ", ")))"
            logger.info("\(x.documentID) \(x.mrn) \(r.status.rawValue)\(reasons) +\(r.inserted) ~\(r.updated) -\(r.deleted) merge \(String(format: "%.2f", r.mergeMs)) ms")
        case .unchanged(_, let status):
            summary.unchanged += 1
            metrics.record(.unchanged)
            logger.info("\(x.documentID) \(x.mrn) unchanged (a replay of an extraction already seen; status \(status.rawValue))")
        case .stale:
            summary.stale += 1
            metrics.record(.stale)
            logger.info("\(x.documentID) \(x.mrn) not applied: an older extraction than the one in the record (audited)")
        case .conflict(_, let status):
            summary.conflicts += 1
            metrics.record(.conflict)
            logger.info("\(x.documentID) \(x.mrn) conflict: a person's decision (\(status.rawValue)) stands; the new extraction is listed by `review list --conflicts`")
        case .refused:
            break
        }
    }
}
