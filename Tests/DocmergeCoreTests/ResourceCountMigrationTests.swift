@testable import DocmergeCore
import DocmergeModel
import DocmergeSQLite
import DocmergeTestSupport
import Testing

/// Migration 4: a database made by the schema before it counted the Patient entry as a
/// resource; the upgrade recomputes the stored count from the stored extraction, says
/// how many rows changed, and reclassifies nothing.
@Suite struct ResourceCountMigrationTests {
    @Test func countsAreRecomputedAndTheChangeIsReported() throws {
        let dir = TemporaryDirectory("docmerge-recount")
        let path = dir.file("v3.sqlite")
        var withPatient = DocumentBuilder.clinical(id: "doc-p", mrn: "MRN-1", conditions: 2, medications: 0)
        withPatient.confidence = 0.87
        withPatient.addPatientEntry(name: "Doe", given: ["Jane"], birthDate: "1950-03-02")
        let without = DocumentBuilder.clinical(id: "doc-n", mrn: "MRN-1", conditions: 2, medications: 1)
        var patientOnly = DocumentBuilder(id: "doc-o", mrn: "MRN-1")
        patientOnly.addPatientEntry(name: "Doe", given: ["Jane"], birthDate: nil)
        do {
            let db = try Connection(path: path)
            #expect(try Schema.migrator.migrate(db, upTo: 3) == [1, 2, 3])
            try db.execute("""
                INSERT INTO patients(mrn, fhir_id, name, birth_date, resource, version, created_at, last_updated)
                    VALUES ('MRN-1', 'MRN-1', 'Jane Doe', '1950-03-02', '{"resourceType":"Patient","id":"MRN-1"}', 1, 't', 't');
                """)
            // As the old code stored them: every entry counted, Patient included.
            for (b, count, status) in [(withPatient, 3, "auto_approved"), (without, 3, "auto_approved"), (patientOnly, 1, "auto_approved")] {
                try db.run("""
                    INSERT INTO documents(document_id, patient_id, review_status, auto_approved, flag_codes, is_merged,
                        confidence, model, fallback_used, resource_count, thresholds, extraction, content_hash, created_at,
                        updated_at, classified_as)
                    VALUES (?, 1, ?, 1, '', 1, ?, 'm', 0, ?, ?, ?, ?, 't', 't', ?)
                    """, b.documentID, status, b.confidence, count, Thresholds().json.text, b.json.text, "h-\(b.documentID)", status)
            }
            // A legacy row has no ingest-format entries: left as it is.
            try db.run("""
                INSERT INTO documents(document_id, patient_id, review_status, auto_approved, flag_codes, is_merged,
                    confidence, model, fallback_used, resource_count, thresholds, extraction, content_hash, created_at, updated_at)
                VALUES ('legacy-1', 1, 'reviewed', 0, '', 1, 0.9, 'legacy', 0, 0, '{}', '{"status":"approved"}', 'h-l', 't', 't')
                """)
        }
        let store = try RecordStore(path: path)
        func count(_ id: String) throws -> Int? {
            try store.db.scalarInt("SELECT resource_count FROM documents WHERE document_id = ?", id)
        }
        #expect(try count("doc-p") == 2)
        #expect(try count("doc-n") == 3)
        #expect(try count("doc-o") == 0)
        #expect(try count("legacy-1") == 0)
        #expect(store.migrationNotes.contains { $0.contains("migration 4") && $0.contains("2 of 4 document rows changed") },
                "\(store.migrationNotes)")
        // Nothing was reclassified.
        #expect(try store.db.scalarInt("SELECT count(*) FROM documents WHERE review_status = 'auto_approved'") == 3)
        // The upgraded database replays the corrected counts: doc-p and doc-o are now flagged by tune's replay.
        let passing = try store.tuneCases().filter { !$0.flagged(by: Thresholds()) }.count
        #expect(passing == 1)
        // Opening again migrates nothing and says nothing.
        #expect(try RecordStore(path: path).migrationNotes.isEmpty)
    }
}
