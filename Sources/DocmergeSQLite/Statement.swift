import CSQLite

/// A prepared statement owned by one `Connection`. Values are always bound, never
/// interpolated; text and blobs are bound with SQLITE_TRANSIENT (SQLite copies them).
public final class Statement {
    let handle: OpaquePointer
    public let sql: String
    unowned let connection: Connection

    init(connection: Connection, sql: String) throws {
        var stmt: OpaquePointer?
        var trailing = ""
        let rc = sql.withCString { text -> Int32 in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(connection.handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, &tail)
            if let tail { trailing = String(cString: tail) }
            return rc
        }
        guard rc == SQLITE_OK, let stmt else {
            throw connection.error(rc, sql: sql, operation: "prepare")
        }
        // One statement per call: SQL after the first statement would silently never run.
        guard trailing.allSatisfy({ $0.isWhitespace || $0 == ";" }) else {
            sqlite3_finalize(stmt)
            throw SQLiteError(code: SQLITE_MISUSE, message: "more than one statement given; only the first would run",
                              sql: sql, operation: "prepare")
        }
        self.handle = stmt
        self.sql = sql
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ values: [SQLBindable]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw SQLiteError(code: SQLITE_RANGE, message: "\(values.count) values bound to a statement with \(expected) parameters",
                              sql: sql, operation: "bind")
        }
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            let rc: Int32
            switch value.sqlValue {
            case .null: rc = sqlite3_bind_null(handle, position)
            case .integer(let v): rc = sqlite3_bind_int64(handle, position, v)
            case .real(let v): rc = sqlite3_bind_double(handle, position, v)
            case .text(let v): rc = sqlite3_bind_text(handle, position, v, -1, csqlite_transient())
            case .textBytes(let v):
                rc = v.withUnsafeBytes { raw in
                    sqlite3_bind_text(handle, position, raw.baseAddress?.assumingMemoryBound(to: CChar.self),
                                      Int32(raw.count), csqlite_transient())
                }
            case .blob(let v):
                rc = v.withUnsafeBytes { raw in
                    sqlite3_bind_blob(handle, position, raw.baseAddress, Int32(raw.count), csqlite_transient())
                }
            }
            guard rc == SQLITE_OK else { throw connection.error(rc, sql: sql, operation: "bind") }
        }
    }

    /// The one step loop: DONE ends, ROW yields the row, anything else throws.
    /// The statement is reset afterwards whatever happens.
    func run(_ values: [SQLBindable], row: (Row) throws -> Void) throws {
        try bind(values)
        connection.statementsRun += 1
        defer {
            connection.vmSteps += Int(sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_VM_STEP, 1))
            sqlite3_reset(handle)
        }
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { return }
            if rc == SQLITE_ROW { try row(Row(handle: handle)); continue }
            throw connection.error(rc, sql: sql, operation: "step")
        }
    }
}

/// The current row of a stepping statement; valid only inside the row callback.
public struct Row {
    let handle: OpaquePointer

    public func isNull(_ index: Int) -> Bool { sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL }

    public func int(_ index: Int) -> Int { Int(sqlite3_column_int64(handle, Int32(index))) }

    public func int64(_ index: Int) -> Int64 { sqlite3_column_int64(handle, Int32(index)) }

    public func double(_ index: Int) -> Double { sqlite3_column_double(handle, Int32(index)) }

    public func bool(_ index: Int) -> Bool { sqlite3_column_int64(handle, Int32(index)) != 0 }

    public func text(_ index: Int) -> String { optionalText(index) ?? "" }

    public func optionalText(_ index: Int) -> String? {
        guard let pointer = sqlite3_column_text(handle, Int32(index)) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// The column's bytes (text or blob), copied.
    public func bytes(_ index: Int) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        guard count > 0, let pointer = sqlite3_column_blob(handle, Int32(index)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
