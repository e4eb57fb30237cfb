import DocmergeCore
import DocmergeModel
import DocmergeSQLite
import DocmergeTestSupport
import Testing

/// Migration 5: registry Patients made before it get meta.versionId and meta.lastUpdated;
/// the patients it knows nothing about (who registered them) are not flagged.
@Suite struct RegistryMetaMigrationTests {
    @Test func oldRegistryPatientsGetMetaAndTheChangeIsReported() throws {
        let dir = TemporaryDirectory("docmerge-registry-meta")
        let path = dir.file("v4.sqlite")
        do {
            let db = try Connection(path: path)
            #expect(try Schema.migrator.migrate(db, upTo: 4) == [1, 2, 3, 4])
            try db.execute("""
                INSERT INTO patients(mrn, fhir_id, name, birth_date, resource, version, created_at, last_updated)
                    VALUES ('MRN-OLD', 'MRN-OLD', 'Old Timer', '1930-01-01',
                            '{"resourceType":"Patient","id":"MRN-OLD","gender":"male"}', 3, 't0', '2026-01-02T03:04:05Z');
                """)
        }
        let store = try RecordStore(path: path)
        #expect(store.migrationNotes.contains { $0.contains("migration 5") && $0.contains("1 rows changed") }, "\(store.migrationNotes)")
        let patient = try #require(try JSONParser.parse(try store.bundle(mrn: "MRN-OLD"))["entry"]?[0]?["resource"])
        #expect(patient["meta"]?["versionId"]?.stringValue == "1")
        #expect(patient["meta"]?["lastUpdated"]?.stringValue == "2026-01-02T03:04:05Z")
        #expect(patient["gender"]?.stringValue == "male")
        #expect(try store.patient(mrn: "MRN-OLD")?.flaggedBy == nil)
        // A later document of the patient is judged normally.
        guard case .merged(let r) = try store.merge(try DocumentBuilder.clinical(id: "d", mrn: "MRN-OLD").prepared()) else {
            Issue.record("not merged"); return
        }
        #expect(!r.findings.contains { $0.code == .newPatient })
    }
}
