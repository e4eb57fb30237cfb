@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// Check 7 and `registry.unknown_patient` on the write path.
@Suite struct UnknownPatientTests {
    static let reason = "a new patient MRN-NEW was registered from this document; check the MRN and the demographics"

    func document(_ id: String, extractedAt: String = "2026-11-28T10:16:02Z", conditions: Int = 3) -> DocumentBuilder {
        var b = PatientEntries.with(PatientEntries.rich, DocumentBuilder.clinical(id: id, mrn: "MRN-NEW", conditions: conditions))
        b.extractedAt = extractedAt
        return b   // its patient block says "Jane Q. Doe", 1950-03-02: the entry wins
    }

    func merge(_ t: TestStore, _ b: DocumentBuilder, _ policy: UnknownPatientPolicy) throws -> MergeOutcome {
        try t.store.merge(try b.prepared(thresholds: Thresholds(unknownPatient: policy)))
    }

    func registryPatient(_ t: TestStore) throws -> JSON {
        let bundle = try JSONParser.parse(try t.store.bundle(mrn: "MRN-NEW"))
        return try #require(bundle["entry"]?[0]?["resource"])
    }

    @Test func registerAndFlagFlagsTheRegisteringDocumentAndEveryExtractionOfIt() throws {
        let t = try TestStore()
        guard case .merged(let first) = try merge(t, document("doc-1"), .registerAndFlag) else { Issue.record("not merged"); return }
        #expect(first.status == .flagged && first.findings.map(\.code) == [.newPatient])
        #expect(first.findings.first?.text == Self.reason)
        #expect(try t.store.db.scalarText("SELECT flag_reason FROM documents WHERE document_id = 'doc-1'") == Self.reason)
        // A later document of the patient is judged normally, against what doc-1 registered.
        guard case .merged(let second) = try merge(t, document("doc-2"), .registerAndFlag) else { Issue.record("not merged"); return }
        #expect(second.status == .autoApproved && second.findings.isEmpty)
        // A re-extraction of doc-1 still carries the condition: it belongs to the document.
        guard case .merged(let again) = try merge(t, document("doc-1", extractedAt: "2026-11-29T10:00:00Z", conditions: 4), .register)
        else { Issue.record("not merged"); return }
        #expect(again.findings.map(\.code) == [.newPatient])
    }

    @Test func theRegistryPatientIsTheDocumentsPatientEntryPlusMRNAndMeta() throws {
        let t = try TestStore()
        _ = try merge(t, document("doc-1"), .registerAndFlag)
        let registered = try registryPatient(t)
        let entry = PatientEntries.rich
        for member in entry.objectValue ?? [] where !["id", "meta", "identifier"].contains(member.key) {
            #expect(registered[member.key]?.text == member.value.text, "\(member.key)")
        }
        let identifiers = registered["identifier"]?.arrayValue ?? []
        #expect(identifiers.first?.text == entry["identifier"]?[0]?.text)
        #expect(identifiers.contains { $0["value"]?.stringValue == "MRN-NEW" && $0["system"]?.stringValue == RegistryResource.mrnSystem })
        #expect(registered["id"]?.stringValue == "MRN-NEW")
        #expect(registered["meta"]?["versionId"]?.stringValue == "1")
        #expect(registered["meta"]?["lastUpdated"]?.stringValue.flatMap(Timestamp.parse) != nil)
        #expect(registered["meta"]?["profile"]?.text == entry["meta"]?["profile"]?.text)
        let patient = try #require(try t.store.patient(mrn: "MRN-NEW"))
        #expect(patient.name == "Ana Lima" && patient.birthDate == "1970-01-02")
    }

    @Test func thePatientBlockFillsOnlyWhatTheEntryLacks() throws {
        let t = try TestStore()
        let bare = JSON.object([JSONMember("resourceType", .string("Patient")), JSONMember("gender", .string("male"))])
        var b = PatientEntries.with(bare, DocumentBuilder.clinical(id: "doc-b", mrn: "MRN-NEW"))
        b.patientName = "Rui Costa"
        b.patientBirthDate = "1980-05-06"
        _ = try merge(t, b, .register)
        let registered = try registryPatient(t)
        #expect(registered["gender"]?.stringValue == "male")
        #expect(registered["birthDate"]?.stringValue == "1980-05-06")
        #expect(registered["name"]?[0]?["family"]?.stringValue == "Costa")
        let patient = try #require(try t.store.patient(mrn: "MRN-NEW"))
        #expect(patient.name == "Rui Costa" && patient.birthDate == "1980-05-06")
    }

    @Test func registerIsTodaysBehaviour() throws {
        let t = try TestStore()
        guard case .merged(let r) = try merge(t, document("doc-1"), .register) else { Issue.record("not merged"); return }
        #expect(r.status == .autoApproved && r.findings.isEmpty)
        #expect(try t.store.patient(mrn: "MRN-NEW") != nil)
    }

    @Test func rejectRefusesAndWritesNothing() throws {
        let t = try TestStore()
        let outcome = try merge(t, document("doc-1"), .reject)
        guard case .refused(let error) = outcome else { Issue.record("not refused: \(outcome)"); return }
        #expect(error.message.hasPrefix("patient MRN-NEW is not in the registry"))
        #expect(error.path == "$.patient.mrn")
        for table in ["patients", "documents", "extractions", "resources", "audit"] {
            #expect(try t.count("SELECT count(*) FROM \(table)") == 0, "\(table)")
        }
        // A known patient is not affected by reject.
        _ = try t.store.importPatients([PatientRecord(mrn: "MRN-NEW", name: "Ana Lima", birthDate: "1970-01-02")])
        guard case .merged(let r) = try merge(t, document("doc-1"), .reject) else { Issue.record("not merged"); return }
        #expect(r.status == .autoApproved)
    }

    @Test func aFailedMergeRegistersNothingUnderReject() throws {
        let t = try TestStore()
        try t.store.recordFailure(try document("doc-1").prepared(thresholds: Thresholds(unknownPatient: .reject)), error: "disk full")
        #expect(try t.count("SELECT count(*) FROM patients") == 0)
        #expect(try t.count("SELECT count(*) FROM documents") == 0)
    }
}
