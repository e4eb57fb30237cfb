import CSQLite

/// A failed SQLite call: the extended result code, the connection's message read right
/// after the failure, the SQL and what was being done. Bound values are never included
/// (they can hold patient data).
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let sql: String?
    public let operation: String

    public init(code: Int32, message: String, sql: String? = nil, operation: String) {
        self.code = code
        self.message = message
        self.sql = sql
        self.operation = operation
    }

    /// The primary result code (the low byte of the extended code).
    public var primaryCode: Int32 { code & 0xFF }

    /// Busy or locked: another connection holds the lock; worth a bounded retry.
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }
    /// The disk or the database file refuses writes.
    public var isDiskFull: Bool { primaryCode == SQLITE_FULL }
    public var isReadOnly: Bool { primaryCode == SQLITE_READONLY || primaryCode == SQLITE_PERM }
    public var isIOError: Bool { primaryCode == SQLITE_IOERR || primaryCode == SQLITE_CANTOPEN }
    public var isCorrupt: Bool { primaryCode == SQLITE_CORRUPT || primaryCode == SQLITE_NOTADB }

    public var description: String {
        var text = "SQLite error \(code) during \(operation): \(message)"
        if let sql { text += " (SQL: \(sql))" }
        return text
    }
}
