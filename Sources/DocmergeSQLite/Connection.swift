import CSQLite
import Foundation

/// Owns one `sqlite3*` and its statement cache. Not Sendable: one owner at a time
/// (an actor, or one synchronous command). `deinit` finalizes statements and closes.
public final class Connection {
    let handle: OpaquePointer
    public let path: String
    private var cache: [String: Statement] = [:]
    /// Statements stepped on this connection (a cost measure for the benchmark).
    public internal(set) var statementsRun = 0
    /// Virtual-machine operations those statements executed, subqueries included: the
    /// work a query did, counted (a test can tell linear from quadratic without a clock).
    public internal(set) var vmSteps = 0
    /// Keeps the write-ahead-log hook's context alive as long as the connection.
    var walHook: WALHook?

    /// How durable each commit is. `.full` (the default here) syncs the WAL on every
    /// commit, so a committed document survives a power cut, not only a process crash.
    public enum Synchronous: String, Sendable { case off = "OFF", normal = "NORMAL", full = "FULL" }

    public struct Options: Sendable {
        public var readOnly = false
        public var busyTimeoutMilliseconds: Int32 = 5_000
        public var synchronous: Synchronous = .full
        /// Write-ahead logging (readers never block the writer). Off only for a backup
        /// target, which must be able to take the source's page size.
        public var wal = true
        public init(readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 5_000, synchronous: Synchronous = .full) {
            self.readOnly = readOnly
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.synchronous = synchronous
        }
    }

    public init(path: String, options: Options = Options()) throws {
        var db: OpaquePointer?
        let flags = (options.readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
            | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: message, operation: "open \(path)")
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, options.busyTimeoutMilliseconds)
        _ = csqlite_disable_dqs(db)
        // Probe: a file that is not a database fails here, not in the middle of work.
        try execute("SELECT count(*) FROM sqlite_master")
        try execute("PRAGMA foreign_keys = ON")
        if !options.readOnly && options.wal {
            let mode = try scalarText("PRAGMA journal_mode = WAL")
            guard mode?.lowercased() == "wal" else {
                throw SQLiteError(code: SQLITE_ERROR, message: "journal_mode answered \(mode ?? "nothing"), not wal",
                                  operation: "enable WAL")
            }
            try execute("PRAGMA synchronous = \(options.synchronous.rawValue)")
        }
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(_ rc: Int32, sql: String?, operation: String) -> SQLiteError {
        let extended = sqlite3_extended_errcode(handle)
        return SQLiteError(code: extended != 0 ? extended : rc, message: String(cString: sqlite3_errmsg(handle)),
                           sql: sql, operation: operation)
    }

    /// Runs one or more statements without parameters (schema, pragmas).
    public func execute(_ sql: String) throws {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, sql: sql, operation: "execute") }
    }

    func statement(_ sql: String) throws -> Statement {
        if let cached = cache[sql] { return cached }
        let statement = try Statement(connection: self, sql: sql)
        cache[sql] = statement
        return statement
    }

    /// Runs a statement with bound values, discarding rows.
    public func run(_ sql: String, _ values: SQLBindable...) throws {
        try statement(sql).run(values) { _ in }
    }

    /// Runs a statement and calls `body` for each row.
    public func forEach(_ sql: String, _ values: [SQLBindable] = [], _ body: (Row) throws -> Void) throws {
        try statement(sql).run(values, row: body)
    }

    /// Maps each row.
    public func query<T>(_ sql: String, _ values: [SQLBindable] = [], _ map: (Row) throws -> T) throws -> [T] {
        var result: [T] = []
        try forEach(sql, values) { result.append(try map($0)) }
        return result
    }

    /// The first row mapped, or nil.
    public func first<T>(_ sql: String, _ values: [SQLBindable] = [], _ map: (Row) throws -> T) throws -> T? {
        var result: T?
        try forEach(sql, values) { row in
            if result == nil { result = try map(row) }
        }
        return result
    }

    public func scalarInt(_ sql: String, _ values: SQLBindable...) throws -> Int? {
        try first(sql, values) { $0.isNull(0) ? nil : $0.int(0) } ?? nil
    }

    public func scalarText(_ sql: String, _ values: SQLBindable...) throws -> String? {
        try first(sql, values) { $0.optionalText(0) } ?? nil
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
}
