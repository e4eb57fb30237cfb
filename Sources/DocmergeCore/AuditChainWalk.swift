/// One pass over the audit table in order, and over `audit.jsonl` in lockstep with it:
/// each row must link to the one before, match its own hash, and equal the log's line
/// of the same number. The log may lag the table (the runner appends after commit);
/// it may not hold a row the table lacks, hold a row twice, or differ from the table.
struct ChainWalk {
    let log: AuditLogReader?
    var prev = RecordStore.genesisHash
    var expectedSeq = 1
    var count = 0
    var logRows = 0
    var logEnded = false
    /// Lines after the table's last row.
    var logAhead = 0
    var problem: (String, Int?)?

    init(log: AuditLogReader?) { self.log = log }

    mutating func visit(_ row: AuditRow) throws {
        count += 1
        if row.seq != expectedSeq {
            problem = ("audit row \(row.seq) stands where row \(expectedSeq) should: rows were deleted or reordered", row.seq)
            return
        }
        if row.prevHash != prev {
            problem = ("audit row \(row.seq) does not link to the row before it: a row before it was deleted, edited or reordered", row.seq)
            return
        }
        if !row.hashIsValid {
            problem = ("audit row \(row.seq) was edited: its content no longer matches its hash", row.seq)
            return
        }
        prev = row.hash
        expectedSeq += 1
        try compareWithLog(row)
    }

    private mutating func compareWithLog(_ row: AuditRow) throws {
        guard let log, !logEnded else { return }
        guard let line = try log.next() else { logEnded = true; return }
        if line == Array(row.jsonLine.utf8) { logRows += 1; return }
        guard let logged = AuditRow(jsonLine: line) else {
            problem = ("audit.jsonl line \(log.lineNumber) is not an audit row as docmerge writes it: it was edited", row.seq)
            return
        }
        if logged.seq > row.seq {
            problem = ("audit.jsonl lacks row \(row.seq) (its line \(log.lineNumber) is row \(logged.seq)): a line was removed", row.seq)
        } else if logged.seq < row.seq {
            problem = ("audit.jsonl holds row \(logged.seq) twice or out of order (line \(log.lineNumber))", logged.seq)
        } else if !logged.hashIsValid {
            problem = ("audit.jsonl line \(log.lineNumber) (row \(row.seq)) was edited: its content no longer matches its hash", row.seq)
        } else {
            problem = ("audit row \(row.seq) differs from line \(log.lineNumber) of audit.jsonl: the database's trail was rewritten", row.seq)
        }
    }

    /// After the table: lines the table lacks are rows deleted from it (checked for their
    /// own chain first, so an edit of the log is named as such).
    mutating func finishLog(owned: Bool) throws -> (String, Int?)? {
        guard let log, !logEnded else { return nil }
        var first: Int?
        var last = 0
        var linkPrev = prev
        var nextSeq = expectedSeq
        while let line = try log.next() {
            guard let logged = AuditRow(jsonLine: line) else {
                return ("audit.jsonl line \(log.lineNumber) is not an audit row as docmerge writes it: it was edited", nil)
            }
            guard logged.hashIsValid else {
                return ("audit.jsonl line \(log.lineNumber) (row \(logged.seq)) was edited: its content no longer matches its hash", logged.seq)
            }
            guard logged.seq == nextSeq, logged.prevHash == linkPrev else {
                return ("audit.jsonl line \(log.lineNumber) holds row \(logged.seq) where row \(nextSeq) should follow: lines were removed, repeated or reordered", logged.seq)
            }
            first = first ?? logged.seq
            last = logged.seq
            linkPrev = logged.hash
            nextSeq += 1
        }
        logAhead = first.map { last - $0 + 1 } ?? 0
        if let first, owned {
            let rows = first == last ? "row \(first)" : "rows \(first)–\(last)"
            return ("the database lacks audit \(rows) that audit.jsonl holds: rows were deleted from the database (or it was restored from an older copy)", first)
        }
        return nil
    }
}
