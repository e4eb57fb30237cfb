@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// Every Patient entry of a document is evidence for checks 5 and 6, in every path that
/// judges a document: the patient's actor's plan, the store's own judgement (its fallback,
/// and the debug check of a planned merge), refile and tune's replay.
@Suite struct PatientEntryEvidenceTests {
    static let jane = patient(#"{"resourceType":"Patient","name":[{"family":"Doe","given":["Jane"]}],"birthDate":"1950-03-02"}"#)
    /// Another person's page, filed with Jane's.
    static let robert = patient(#"{"resourceType":"Patient","name":[{"family":"Smith","given":["Robert"]}],"birthDate":"1961-07-09"}"#)

    static func patient(_ text: String) -> JSON {
        .object([JSONMember("resource", (try? JSONParser.parse(Array(text.utf8))) ?? .null), JSONMember("snippet", .string("Patient"))])
    }

    static func document(_ id: String, mrn: String = "MRN-A", _ patients: [JSON]) -> DocumentBuilder {
        var b = DocumentBuilder.clinical(id: id, mrn: mrn)
        b.patientName = nil
        b.patientBirthDate = nil
        b.entries = patients + b.entries
        return b
    }

    func store() throws -> TestStore {
        let t = try TestStore()
        let csv = "mrn,given,family,birth_date\nMRN-A,Jane,Doe,1950-03-02\nMRN-B,Ana,Lima,1970-01-02\n"
        _ = try t.store.importPatients(try PatientImport.parse(Array(csv.utf8), fileName: "p.csv"))
        return t
    }

    func stored(_ t: TestStore, _ id: String) throws -> DocumentState {
        try #require(try t.store.documentStates().first { $0.documentID == id })
    }

    static let conflicting = [FlagCode.birthDateMismatch.rawValue, FlagCode.nameMismatch.rawValue]

    @Test(arguments: [false, true])
    func aSecondPersonsPatientEntryFlagsTheDocumentInEveryPath(_ misfiledFirst: Bool) throws {
        let t = try store()
        let patients = misfiledFirst ? [Self.robert, Self.jane] : [Self.jane, Self.robert]
        let misfiled = misfiledFirst ? "$.entries[0]" : "$.entries[1]"

        // The store's own judgement (no plan).
        let direct = try t.mergedResult(Self.document("doc-1", patients))
        #expect(direct.findings.map(\.code.rawValue) == Self.conflicting)
        for finding in direct.findings {
            #expect(finding.text.contains("Patient entry \(misfiled) (one of 2 in the document)"), "\(finding.text)")
        }

        // The actor's plan, written by the store (which checks, in debug builds, that it judges the same).
        let document = try Self.document("doc-2", patients).prepared(thresholds: Thresholds(unknownPatient: .register))
        let planned = MergeDecision.plan(document, documentFindings: MergeDecision.documentFindings(document),
                                         patient: try t.store.patientSnapshot(mrn: "MRN-A"), existing: nil, sampleRate: 0)
        guard case .merge(let write) = planned.command.action else { Issue.record("not a merge"); return }
        #expect(write.findings == direct.findings.map { Finding(code: $0.code, text: $0.text) })
        _ = try t.store.write([.planned(planned.command)])
        #expect(try stored(t, "doc-2").flagCodes == Self.conflicting)

        // Tune's replay flags them whatever the thresholds on its grid.
        #expect(try t.store.tuneCases().allSatisfy { $0.birthDateConflict && ($0.nameSimilarity ?? 1) < 0.70 })
    }

    /// Refile judges against the new patient: Jane's document with Ana's page in it, filed
    /// under Ana and moved to Jane, is still flagged.
    @Test func refileJudgesEveryPatientEntry() throws {
        let t = try store()
        let ana = Self.patient(#"{"resourceType":"Patient","name":[{"family":"Lima","given":["Ana"]}],"birthDate":"1970-01-02"}"#)
        _ = try t.mergedResult(Self.document("doc-1", mrn: "MRN-B", [Self.jane, ana]))
        let moved = try t.store.refile(documentID: "doc-1", toMRN: "MRN-A", reviewer: "ann", reason: "Jane's letter")
        #expect(moved.status == .flagged)
        #expect(try stored(t, "doc-1").flagCodes == Self.conflicting)
    }

    /// An unknown patient is registered from the first Patient entry; the others are judged
    /// against it, so a second person's page flags the document under `register` too.
    @Test func anUnknownPatientIsRegisteredFromTheFirstPatientEntry() throws {
        let t = try TestStore()
        let result = try t.mergedResult(Self.document("doc-1", mrn: "MRN-NEW", [Self.jane, Self.robert]))
        let registered = try #require(try t.store.patient(mrn: "MRN-NEW"))
        #expect(registered.name == "Jane Doe" && registered.birthDate == "1950-03-02")
        #expect(result.findings.map(\.code.rawValue) == Self.conflicting)
    }

    static let malformed = [
        // A name that is a string and a birthDate that is a number: read as nothing, so both
        // checks used to pass without a word.
        (#"{"resourceType":"Patient","name":"John Smith","birthDate":19500101}"#,
         ["name is a string, not an array of HumanName objects", "birthDate is a number, not a FHIR date"]),
        (#"{"resourceType":"Patient","name":[{"family":"Doe","given":["Jane"]}],"birthDate":"1950-03-02T00:00:00Z"}"#,
         ["birthDate is a date-time, not a FHIR date"]),
        (#"{"resourceType":"Patient","name":[{"family":"Doe","given":"Jane"}],"birthDate":"1950-03-02"}"#,
         ["name[0].given is not an array of strings"]),
        (#"{"resourceType":"Patient","name":["Jane Doe"],"birthDate":"02/03/1950"}"#,
         ["name[0] is a string, not a HumanName", "birthDate is a string but not a FHIR date"]),
    ]

    /// A Patient entry whose name or birthDate is there but not FHIR flags its check, saying
    /// why; the rest of the document is merged.
    @Test(arguments: malformed)
    func aPatientEntryThatIsNotFHIRIsFlaggedNotSkipped(_ resource: String, _ reasons: [String]) throws {
        let t = try store()
        let result = try t.mergedResult(Self.document("doc-1", [Self.patient(resource)]))
        #expect(result.status == .flagged)
        #expect(result.inserted == 5)
        let reason = QualityCheck.reasonText(result.findings) ?? ""
        for part in reasons { #expect(reason.contains("cannot be checked: in Patient entry $.entries[0], \(part)"), "\(reason)") }
        #expect(try t.store.tuneCases().contains { $0.flagged(by: Thresholds()) }, "tune replays the flag")
    }

    /// Registered from such an entry, the registry keeps what the `patient` block says, not
    /// the unreadable values (its Patient stays valid FHIR).
    @Test func registrationDropsWhatIsNotFHIR() throws {
        let t = try TestStore()
        var b = Self.document("doc-1", mrn: "MRN-NEW", [Self.patient(#"{"resourceType":"Patient","name":"John Smith","birthDate":"1950-03-02T00:00:00Z","gender":"male"}"#)])
        b.patientName = "John Smith"
        _ = try t.mergedResult(b)
        let registered = try #require(try t.store.patient(mrn: "MRN-NEW"))
        #expect(registered.name == "John Smith" && registered.birthDate == nil)
        let bundle = try JSONParser.parse(try t.store.bundle(mrn: "MRN-NEW"))
        let resource = try #require(bundle["entry"]?[0]?["resource"])
        #expect(resource["birthDate"] == nil && resource["gender"]?.stringValue == "male")
        #expect(resource["name"]?[0]?["text"]?.stringValue == "John Smith", "\(resource.text)")
    }
}
