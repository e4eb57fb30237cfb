import DocmergeModel
import DocmergeSQLite

/// The notifier's outbox: a cursor over the committed audit rows and one row per event
/// (`notify_events`), so a restart neither repeats a delivered event nor skips one.
extension RecordStore {
    /// The last audit seq turned into events.
    public func notifyCursor() throws -> Int {
        try db.scalarInt("SELECT audit_seq FROM notify_cursor WHERE id = 1") ?? 0
    }

    /// Records `events` and moves the cursor to `cursor` in one transaction. An event id
    /// already recorded is ignored; while `queueSize` events are pending, new ones are
    /// recorded as dropped. Returns how many were queued and how many dropped.
    @discardableResult
    public func notifyEnqueue(_ events: [NotificationRecord], cursor: Int?, queueSize: Int) throws -> (queued: Int, dropped: [String]) {
        try db.writeTransaction {
            var pending = try db.scalarInt("SELECT count(*) FROM notify_events WHERE state = 'pending'") ?? 0
            var queued = 0
            var dropped: [String] = []
            let at = timestamp()
            for event in events {
                let state = pending < queueSize ? "pending" : "dropped"
                try db.run("INSERT OR IGNORE INTO notify_events(event_id, event, document_id, body, state, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           event.eventID, event.event, event.documentID, event.body, state, at)
                guard db.changes == 1 else { continue }
                if state == "pending" { pending += 1; queued += 1 } else { dropped.append(event.eventID) }
            }
            if let cursor {
                try db.run("INSERT INTO notify_cursor(id, audit_seq) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET audit_seq = excluded.audit_seq",
                           cursor)
            }
            return (queued, dropped)
        }
    }

    /// Moves the cursor to the newest audit row without making events (notifications off).
    public func notifySkipToHead() throws {
        try db.writeTransaction {
            try db.run("INSERT INTO notify_cursor(id, audit_seq) SELECT 1, coalesce(max(seq), 0) FROM audit WHERE true ON CONFLICT(id) DO UPDATE SET audit_seq = excluded.audit_seq")
        }
    }

    public func hasNotification(_ eventID: String) throws -> Bool {
        try db.scalarInt("SELECT 1 FROM notify_events WHERE event_id = ?", eventID) != nil
    }

    /// Pending events whose next attempt is due (`nowSeconds`, seconds since 1970), oldest first.
    public func notifyDue(nowSeconds: Double, limit: Int) throws -> [PendingNotification] {
        try db.query("SELECT id, event_id, event, document_id, body, channels_done, attempts FROM notify_events WHERE state = 'pending' AND next_attempt <= ? ORDER BY id LIMIT ?",
                     [nowSeconds, limit]) { r in
            PendingNotification(rowID: r.int(0), record: NotificationRecord(eventID: r.text(1), event: r.text(2), documentID: r.optionalText(3), body: r.text(4)),
                                channelsDone: Set(r.text(5).split(separator: ",").map(String.init)), attempts: r.int(6))
        }
    }

    /// Records one attempt: `failures` channels failed (with `error`); the event is
    /// delivered when every channel has taken it, given up at `giveUp`, else retried at `retryAt`.
    public func notifyAttempted(_ rowID: Int, channelsDone: Set<String>, failures: Int, error: String?, delivered: Bool,
                                giveUp: Bool, retryAt: Double) throws {
        let state = delivered ? "delivered" : (giveUp ? "given_up" : "pending")
        try db.writeTransaction {
            try db.run("UPDATE notify_events SET state = ?, channels_done = ?, attempts = attempts + 1, failures = failures + ?, last_error = coalesce(?, last_error), next_attempt = ?, delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END WHERE id = ?",
                       state, channelsDone.sorted().joined(separator: ","), failures, error, retryAt, delivered, timestamp(), rowID)
        }
    }

    public func notificationCounts() throws -> NotificationCounts {
        var counts = NotificationCounts()
        guard try db.scalarInt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'notify_events'") != nil else { return counts }
        try db.forEach("SELECT state, count(*), coalesce(sum(failures), 0) FROM notify_events GROUP BY state") { r in
            counts.failed += r.int(2)
            switch r.text(0) {
            case "delivered": counts.delivered = r.int(1)
            case "pending": counts.pending = r.int(1)
            case "given_up": counts.givenUp = r.int(1)
            default: counts.dropped = r.int(1)
            }
        }
        return counts
    }

    /// Flagged documents created at or before `cutoff` that the notifier announced (a
    /// `flagged` or `merge_failed` event) and has not yet called overdue.
    public func notifyOverdueCandidates(cutoff: String, limit: Int = 500) throws -> [(documentID: String, mrn: String, createdAt: String)] {
        try db.query("""
            SELECT d.document_id, p.mrn, d.created_at FROM documents d JOIN patients p ON p.id = d.patient_id
            WHERE d.review_status = 'flagged' AND d.created_at <= ?
              AND EXISTS (SELECT 1 FROM notify_events e WHERE e.document_id = d.document_id AND e.event IN ('flagged', 'merge_failed'))
              AND NOT EXISTS (SELECT 1 FROM notify_events e WHERE e.event_id = 'overdue-' || d.document_id)
            ORDER BY d.created_at LIMIT ?
            """, [cutoff, limit]) { ($0.text(0), $0.text(1), $0.text(2)) }
    }

    public func digestFacts(overdueCutoff: String) throws -> DigestFacts {
        try db.readTransaction {
            var facts = DigestFacts()
            facts.flaggedOpen = try db.scalarInt("SELECT count(*) FROM documents WHERE review_status = 'flagged'") ?? 0
            facts.overdue = try db.scalarInt("SELECT count(*) FROM documents WHERE review_status = 'flagged' AND created_at <= ?", overdueCutoff) ?? 0
            var reasons: [String: Int] = [:]
            try db.forEach("SELECT flag_codes, count(*) FROM documents WHERE review_status = 'flagged' GROUP BY flag_codes") { r in
                for code in r.text(0).split(separator: ",") { reasons[String(code), default: 0] += r.int(1) }
            }
            facts.reasons = reasons.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            facts.oldest = try db.first("SELECT d.document_id, p.mrn, d.created_at FROM documents d JOIN patients p ON p.id = d.patient_id WHERE d.review_status = 'flagged' ORDER BY d.created_at, d.id LIMIT 1") {
                ($0.text(0), $0.text(1), $0.text(2))
            }
            return facts
        }
    }

    /// When the runner last checked the audit chain (for the periodic check).
    public func notifyAuditCheckedAt() throws -> String? {
        try db.scalarText("SELECT audit_checked_at FROM notify_cursor WHERE id = 1")
    }

    public func notifySetAuditChecked(_ at: String) throws {
        try db.writeTransaction { try db.run("UPDATE notify_cursor SET audit_checked_at = ? WHERE id = 1", at) }
    }
}
