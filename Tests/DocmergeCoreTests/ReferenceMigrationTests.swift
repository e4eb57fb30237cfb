@testable import DocmergeCore
import DocmergeModel
import DocmergeSQLite
import DocmergeTestSupport
import Testing

/// The references migration (the last) gives resources merged before it their entry's fullUrl, so later documents
/// can point at them by it.
@Suite struct ReferenceMigrationTests {
    @Test func resourcesMergedBeforeTheMigrationAreFoundByTheirFullUrl() throws {
        let dir = TemporaryDirectory("docmerge-migration-refs")
        let path = dir.file("old.sqlite")
        do {
            let db = try Connection(path: path)
            // Up to the migration just before "references across a record's documents".
            let references = try #require(Schema.migrator.migrations.first { $0.name == "references across a record's documents" })
            _ = try Schema.migrator.migrate(db, upTo: references.id - 1)
            try db.execute("""
                INSERT INTO patients(mrn, fhir_id, name, birth_date, resource, version, created_at, last_updated)
                    VALUES ('MRN-OLD', 'MRN-OLD', 'Old Timer', '1930-01-01', '{"resourceType":"Patient","id":"MRN-OLD"}', 1, 't', 't');
                INSERT INTO documents(document_id, patient_id, review_status, auto_approved, flag_codes, is_merged,
                    confidence, model, fallback_used, thresholds, extraction, content_hash, created_at, updated_at)
                    VALUES ('doc-old', 1, 'auto_approved', 1, '', 1, 0.97, 'm', 0, '{}',
                    '{"entries":[{"fullUrl":"urn:uuid:0b1d","resource":{"resourceType":"Condition","id":"c1"}}]}', 'h-old', 't', 't');
                INSERT INTO resources(patient_id, document_id, resource_type, doc_key, fhir_id, version_id, content_hash, body)
                    VALUES (1, 'doc-old', 'Condition', 'id:c1', 'abc', 1, 'x', '{"resourceType":"Condition","id":"abc","meta":{"source":"document_doc-old","versionId":"1","lastUpdated":"t"}}');
                """)
        }
        let store = try RecordStore(path: path)
        #expect(try store.db.scalarText("SELECT full_url FROM resources WHERE fhir_id = 'abc'") == "urn:uuid:0b1d")
        var meds = DocumentBuilder(id: "doc-new", mrn: "MRN-OLD")
        meds.entries = [DocumentBuilder.medication(text: "m", reason: "urn:uuid:0b1d")]
        _ = try store.merge(try meds.prepared())
        let body = try #require(try store.db.first("SELECT body FROM resources WHERE document_id = 'doc-new'") { try JSONParser.parse($0.bytes(0)) })
        #expect(body["reasonReference"]?[0]?["reference"]?.stringValue == "Condition/abc")
    }
}
