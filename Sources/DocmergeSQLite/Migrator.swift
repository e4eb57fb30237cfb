import Foundation

/// An ordered, append-only list of schema migrations. Each runs in its own IMMEDIATE
/// transaction together with the row that records it, so a database is never left
/// half-migrated; an older database upgrades in place.
public struct Migrator: Sendable {
    public struct Migration: Sendable {
        public let id: Int
        public let name: String
        public let sql: String
        public init(id: Int, name: String, sql: String) {
            self.id = id
            self.name = name
            self.sql = sql
        }
    }

    public let migrations: [Migration]

    public init(_ migrations: [Migration]) {
        precondition(migrations.map(\.id) == Array(1...migrations.count), "migration ids must be 1, 2, 3, … in order")
        self.migrations = migrations
    }

    /// Applies every migration not yet recorded, up to `upTo` (all by default).
    /// Returns the ids it applied.
    @discardableResult
    public func migrate(_ db: Connection, upTo: Int? = nil) throws -> [Int] {
        // Read first: an up-to-date database needs no write lock (another process may hold it).
        let wanted = migrations.filter { $0.id <= (upTo ?? Int.max) }.map(\.id)
        if try currentVersion(db) >= (wanted.last ?? 0),
           try db.scalarInt("SELECT count(*) FROM schema_migrations") == wanted.count {
            return []
        }
        try db.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations(
                id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)
            """)
        var applied: [Int] = []
        for migration in migrations where migration.id <= (upTo ?? Int.max) {
            let done = try db.writeTransaction { () -> Bool in
                if try db.scalarInt("SELECT 1 FROM schema_migrations WHERE id = ?", migration.id) != nil { return false }
                try db.execute(migration.sql)
                try db.run("INSERT INTO schema_migrations(id, name, applied_at) VALUES (?, ?, ?)",
                           migration.id, migration.name, ISO8601DateFormatter().string(from: Date()))
                return true
            }
            if done { applied.append(migration.id) }
        }
        return applied
    }

    public func currentVersion(_ db: Connection) throws -> Int {
        guard try db.scalarInt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") != nil
        else { return 0 }
        return try db.scalarInt("SELECT max(id) FROM schema_migrations") ?? 0
    }
}
