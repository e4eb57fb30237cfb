import DocmergeSQLite

extension Schema {
    /// The notes the given migrations left in `migration_notes` (a migration that changes
    /// existing rows says how many), in migration order. A new database has nothing to say.
    static func notes(_ db: Connection, applied: [Int]) throws -> [String] {
        guard !applied.isEmpty, !applied.contains(1),
              try db.scalarInt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migration_notes'") != nil
        else { return [] }
        return try db.query("SELECT migration_id, note FROM migration_notes ORDER BY migration_id") {
            (id: $0.int(0), note: $0.text(1))
        }.filter { applied.contains($0.id) }.map { "database upgraded (migration \($0.id)): \($0.note)" }
    }
}
