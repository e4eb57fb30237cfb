import DocmergeModel
import DocmergeSQLite

/// Whose database a SQLite file is. docmerge migrates only its own (or an empty file);
/// a file with some other program's tables is refused before anything is written, and
/// a read-only command needs the schema this build knows, since it must not migrate.
extension Schema {
    static func userTables(_ db: Connection) throws -> Int {
        try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") ?? 0
    }

    static func isDocmerge(_ db: Connection) throws -> Bool {
        try db.scalarInt("""
            SELECT count(*) FROM sqlite_master WHERE type = 'table'
                AND name IN ('schema_migrations', 'patients', 'documents', 'resources', 'audit')
            """) == 5
    }

    static func refuseForeign(_ db: Connection, path: String) throws {
        if try userTables(db) > 0, try !isDocmerge(db) {
            throw DocmergeError(.failure, "\(TerminalText.escape(path)) is another program's SQLite database (it has tables but no docmerge schema); docmerge will not use or change it.")
        }
    }

    static func requireCurrent(_ db: Connection, path: String) throws {
        try refuseForeign(db, path: path)
        guard try userTables(db) > 0 else {
            throw DocmergeError(.notFound, "\(TerminalText.escape(path)) holds no docmerge records yet (an empty database).")
        }
        let version = try migrator.currentVersion(db)
        let known = migrator.migrations.count
        if version < known {
            throw DocmergeError(.failure, "The database \(TerminalText.escape(path)) has schema version \(version) of \(known); run `docmerge run` once to upgrade it (read-only commands never migrate).")
        }
        if version > known {
            throw DocmergeError(.failure, "The database \(TerminalText.escape(path)) has schema version \(version), newer than this docmerge knows (\(known)); use a newer docmerge.")
        }
    }
}
