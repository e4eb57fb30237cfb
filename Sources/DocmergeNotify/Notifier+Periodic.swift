import DocmergeCore
import DocmergeModel
import Foundation

extension Notifier {
    /// `overdue`, the daily `digest` and `audit_broken`, by the injected clock.
    func periodic() {
        let clock = now()
        do {
            let cutoff = Timestamp.format(clock.addingTimeInterval(-overdueDays * 86_400))
            let overdue = try store.notifyOverdueCandidates(cutoff: cutoff).map {
                builder.overdue(documentID: $0.documentID, mrn: $0.mrn, flaggedAt: $0.createdAt, overdueDays: overdueDays, now: clock)
            }
            if !overdue.isEmpty { try record(overdue, cursor: nil) }
            if let minutes = settings.digestMinutes {
                let local = LocalDay(clock, timeZone: timeZone)
                if local.minute >= minutes, try !store.hasNotification("digest-\(local.day)") {
                    let facts = try store.digestFacts(overdueCutoff: cutoff)
                    try record([builder.digest(facts, day: local.day, now: clock)], cursor: nil)
                }
            }
            try checkAudit(clock)
        } catch {
            log("Could not prepare periodic notifications: \(error); will try again.")
        }
    }

    /// The periodic audit check: every `audit_check_minutes`, the whole chain.
    func checkAudit(_ clock: Date) throws {
        guard settings.auditCheckMinutes > 0 else { return }
        if let last = try store.notifyAuditCheckedAt().flatMap(Timestamp.parse),
           clock.timeIntervalSince(last) < settings.auditCheckMinutes * 60 { return }
        let verification = try store.verifyAudit()
        try store.notifySetAuditChecked(Timestamp.format(clock))
        if let problem = verification.problem {
            log("The audit check failed: \(problem).")
            try record([builder.auditBroken(problem: problem, brokenSeq: verification.brokenSeq, rows: verification.rows, now: clock)],
                       cursor: nil)
        }
    }
}
