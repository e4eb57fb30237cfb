import DocmergeSQLite

/// The one place that decides what kind a failure is, and says it in words.
public enum StoreFailure {
    public enum Kind: Sendable, Equatable {
        /// Another process holds the lock, the disk is full, an I/O error, the file became
        /// read-only: the environment may recover; retry with bounded backoff.
        case retryable
        /// This document's plan no longer matches the record: plan again (not a failure).
        case replan
        /// This document's own problem (a constraint, a trigger, a rule): flag it, go on.
        case perDocument
        /// The database is corrupt or not a database: stop, lose nothing.
        case fatal
    }

    public static func kind(of error: any Error) -> Kind {
        if error is VersionMoved { return .replan }
        guard let sqlite = error as? SQLiteError else { return .perDocument }
        if sqlite.isCorrupt { return .fatal }
        if sqlite.isBusy || sqlite.isDiskFull || sqlite.isIOError || sqlite.isReadOnly { return .retryable }
        return .perDocument
    }

    /// Busy: retrying documents one by one would cost each the busy timeout again.
    public static func isBusy(_ error: any Error) -> Bool { (error as? SQLiteError)?.isBusy ?? false }

    /// The file may have become writable again, or been replaced: worth reopening.
    public static func wantsReopen(_ error: any Error) -> Bool {
        guard let sqlite = error as? SQLiteError else { return false }
        return sqlite.isReadOnly || sqlite.isIOError
    }

    /// One sentence for the log and the document's `flag_reason` (no patient data).
    public static func describe(_ error: any Error) -> String {
        if let error = error as? SQLiteError {
            if error.isDiskFull { return "the disk or database is full (\(error.message))" }
            if error.isReadOnly { return "the database is read-only (\(error.message))" }
            if error.isBusy { return "the database is locked by another process (\(error.message))" }
            if error.isIOError { return "an I/O error (\(error.message))" }
            if error.isCorrupt { return "the database is corrupt (\(error.message))" }
            return error.message
        }
        return "\(error)"
    }
}
