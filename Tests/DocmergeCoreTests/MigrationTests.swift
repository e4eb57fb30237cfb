@testable import DocmergeCore
import DocmergeModel
import DocmergeSQLite
import DocmergeTestSupport
import Testing

@Suite struct MigrationTests {
    @Test func aFirstVersionDatabaseUpgradesInPlace() throws {
        let dir = TemporaryDirectory("docmerge-migration")
        let path = dir.file("old.sqlite")
        do {
            let db = try Connection(path: path)
            #expect(try Schema.migrator.migrate(db, upTo: 1) == [1])
            try db.execute("""
                INSERT INTO patients(mrn, fhir_id, name, birth_date, resource, version, created_at, last_updated)
                    VALUES ('MRN-OLD', 'MRN-OLD', 'Old Timer', '1930-01-01', '{"resourceType":"Patient","id":"MRN-OLD"}', 1, 't', 't');
                INSERT INTO documents(document_id, patient_id, review_status, auto_approved, flag_reason, flag_codes, is_merged,
                    confidence, model, fallback_used, thresholds, extraction, content_hash, created_at, updated_at)
                    VALUES ('doc-old', 1, 'flagged', 0, 'extraction confidence 0.5 is below the 0.80 threshold', 'low_confidence', 1,
                    0.5, 'm', 0, '{}', '{}', 'h-old', 't', 't');
                INSERT INTO resources(patient_id, document_id, resource_type, doc_key, fhir_id, version_id, content_hash, body)
                    VALUES (1, 'doc-old', 'Condition', '#0', 'abc', 1, 'x', '{"resourceType":"Condition","id":"abc"}');
                """)
        }
        let store = try RecordStore(path: path)
        #expect(try Schema.migrator.currentVersion(store.db) == Schema.migrator.migrations.count)
        // Old rows survive with the new columns filled in.
        #expect(try store.db.scalarText("SELECT classified_as FROM documents WHERE document_id = 'doc-old'") == "flagged")
        #expect(try store.db.scalarInt("SELECT count(*) FROM extractions WHERE document_id = 'doc-old'") == 1)
        #expect(try store.reviewList(.init()).map(\.documentID) == ["doc-old"])
        // And the upgraded database works: merge, then rollback of the old document.
        _ = try store.merge(try DocumentBuilder.clinical(id: "doc-new", mrn: "MRN-OLD").prepared())
        #expect(try store.rollback(documentID: "doc-old", reviewer: "r", reason: nil) == 1)
        #expect(try store.verifyAudit().problem == nil)
        // Running the migrations again does nothing.
        #expect(try Schema.migrator.migrate(store.db).isEmpty)
    }
}

@Suite struct ConnectionTests {
    @Test func newDatabasesUseWALWithFullSync() throws {
        let t = try TestStore()
        #expect(try t.store.db.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try t.store.db.scalarInt("PRAGMA synchronous") == 2, "FULL")
    }

    /// A database with another page size (made elsewhere) still backs up and verifies.
    @Test func aBackupTakesTheSourcesPageSize() throws {
        let dir = TemporaryDirectory("docmerge-pages")
        let path = dir.file("big-pages.sqlite")
        _ = try sqlite3Tool(path, "PRAGMA page_size = 16384; VACUUM;")
        let store = try RecordStore(path: path)
        _ = try store.merge(try DocumentBuilder.clinical(id: "d", mrn: "M").prepared())
        try store.db.backup(to: dir.file("copy.sqlite"))
        let copy = try RecordStore(path: dir.file("copy.sqlite"))
        #expect(try copy.db.scalarInt("PRAGMA page_size") == 16_384)
        #expect(try copy.verifyAudit().problem == nil)
    }
}
