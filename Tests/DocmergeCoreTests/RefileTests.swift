@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// A document filed under the wrong patient, moved by a person.
@Suite struct RefileTests {
    static let clock = Date(timeIntervalSince1970: 1_780_000_000)

    func store(_ documents: [DocumentBuilder]) throws -> TestStore {
        let t = try TestStore(now: { Self.clock })
        let csv = "mrn,given,family,birth_date\nMRN-A,Jane,Doe,1950-03-02\nMRN-B,Ana,Lima,1970-01-02\n"
        _ = try t.store.importPatients(try PatientImport.parse(Array(csv.utf8), fileName: "p.csv"))
        for d in documents { _ = try t.mergedResult(d) }
        return t
    }

    static func doc(_ id: String, _ mrn: String, conditions: Int = 3) -> DocumentBuilder {
        var d = DocumentBuilder.clinical(id: id, mrn: mrn, conditions: conditions, medications: 2)
        d.patientName = nil
        d.patientBirthDate = nil
        return d
    }

    func rows(_ t: TestStore, _ mrn: String) throws -> [String] {
        try t.store.resourceBodies(mrn: mrn).map { $0.reference + " " + String(decoding: $0.body, as: UTF8.self) }
    }

    @Test func theOldRecordIsAsIfItNeverHadItAndTheNewOneAsAFreshMerge() throws {
        let wrong = Self.doc("wrong", "MRN-A", conditions: 4)
        let t = try store([Self.doc("a1", "MRN-A"), wrong, Self.doc("a2", "MRN-A"), Self.doc("b1", "MRN-B")])
        let never = try store([Self.doc("a1", "MRN-A"), Self.doc("a2", "MRN-A"), Self.doc("b1", "MRN-B")])
        var intoB = wrong
        intoB.mrn = "MRN-B"
        let fresh = try store([Self.doc("b1", "MRN-B"), intoB])
        let versionA = try t.patientVersion("MRN-A"), versionB = try t.patientVersion("MRN-B")
        let docVersion = try t.count("SELECT version FROM documents WHERE document_id = 'wrong'")
        let history = try t.store.auditRows(documentID: "wrong").count

        let r = try t.store.refile(documentID: "wrong", toMRN: "MRN-B", reviewer: "ann", reason: "another patient's letter",
                                   expectVersion: docVersion)
        #expect(r.fromMRN == "MRN-A" && r.toMRN == "MRN-B" && r.removed == 6 && r.inserted == 6)
        #expect(try rows(t, "MRN-A") == rows(never, "MRN-A"), "byte-identical to never having had the document")
        #expect(try rows(t, "MRN-B") == rows(fresh, "MRN-B"), "equal to a fresh merge for MRN-B")
        #expect(try t.store.db.scalarText("SELECT review_status || ' ' || flag_codes FROM documents WHERE document_id = 'wrong'")
                == fresh.store.db.scalarText("SELECT review_status || ' ' || flag_codes FROM documents WHERE document_id = 'wrong'"))
        #expect(try t.patientVersion("MRN-A") == versionA + 1 && t.patientVersion("MRN-B") == versionB + 1)
        #expect(try t.count("SELECT version FROM documents WHERE document_id = 'wrong'") == docVersion + 1)
        // Both audits, the document's history kept.
        let out = try #require(try t.store.auditRows(mrn: "MRN-A").last)
        let into = try #require(try t.store.auditRows(mrn: "MRN-B").last)
        #expect(out.action == "refile_out" && out.actor == "ann" && out.detail.contains("\"to_mrn\":\"MRN-B\"") && out.detail.contains("another patient's letter"))
        #expect(into.action == "refile_in" && into.actor == "ann" && into.detail.contains("\"from_mrn\":\"MRN-A\""))
        #expect(try t.store.auditRows(documentID: "wrong").map(\.action).suffix(2) == ["refile_out", "refile_in"])
        #expect(try t.store.auditRows(documentID: "wrong").count == history + 2)
        #expect(try t.store.verifyAudit().problem == nil)
        #expect(try t.store.documentDetail("wrong").summary.mrn == "MRN-B")
        // The original file re-dropped for MRN-A is refused now; a re-extraction for MRN-B
        // is a conflict (a person decided where it belongs).
        guard case .refused(let e) = try t.merge(wrong) else { Issue.record("not refused"); return }
        #expect(e.message.contains("MRN-B"))
        var newer = intoB
        newer.extractedAt = "2026-12-01T00:00:00Z"
        #expect(try t.merge(newer) == .conflict(documentID: "wrong", status: r.status))
    }

    @Test func refusals() throws {
        let t = try store([Self.doc("d", "MRN-A")])
        func kind(_ body: () throws -> Void) -> DocmergeError.Kind? {
            do { try body(); return nil } catch { return (error as? DocmergeError)?.kind }
        }
        #expect(kind { _ = try t.store.refile(documentID: "d", toMRN: "MRN-A", reviewer: "a", reason: "x") } == .conflict)
        #expect(kind { _ = try t.store.refile(documentID: "d", toMRN: "MRN-NOPE", reviewer: "a", reason: "x") } == .notFound)
        #expect(kind { _ = try t.store.refile(documentID: "nope", toMRN: "MRN-B", reviewer: "a", reason: "x") } == .notFound)
        #expect(kind { _ = try t.store.refile(documentID: "d", toMRN: "MRN-B", reviewer: "a", reason: "x", expectVersion: 9) } == .conflict)
        try t.store.markCorrect(documentID: "d", reviewer: "a")
        var newer = Self.doc("d", "MRN-A", conditions: 1)
        newer.extractedAt = "2026-12-01T00:00:00Z"
        #expect(try t.merge(newer) == .conflict(documentID: "d", status: .reviewed))
        #expect(kind { _ = try t.store.refile(documentID: "d", toMRN: "MRN-B", reviewer: "a", reason: "x") } == .conflict, "open conflict first")
        _ = try t.store.dismissConflict(documentID: "d", reviewer: "a", reason: "old")
        // A person's correction is not moved by re-merging the extraction (it would undo it).
        let entry = try EntriesDecoder.decode(.array([DocumentBuilder.condition(id: "c0", code: "1", display: "by hand")]), at: "$")
        _ = try t.store.correct(documentID: "d", entries: entry, reviewer: "a")
        let before = try rows(t, "MRN-A")
        #expect(kind { _ = try t.store.refile(documentID: "d", toMRN: "MRN-B", reviewer: "a", reason: "x") } == .conflict, "a correction")
        #expect(try rows(t, "MRN-A") == before && t.store.resourceBodies(mrn: "MRN-B").isEmpty, "nothing moved")
    }

    /// After a rollback nothing of the document is merged: it may arrive again for another MRN.
    @Test func aRolledBackDocumentCanArriveAgainForAnotherPatient() throws {
        let t = try store([Self.doc("d", "MRN-A"), Self.doc("b1", "MRN-B")])
        #expect(try t.store.rollback(documentID: "d", reviewer: "ann", reason: "wrong chart") == 5)
        guard case .merged(let r) = try t.merge(Self.doc("d", "MRN-B")) else { Issue.record("not merged"); return }
        #expect(r.mrn == "MRN-B" && r.inserted == 5)
        #expect(try t.store.resourceBodies(mrn: "MRN-A").isEmpty)
        #expect(try t.count("SELECT count(*) FROM resources r JOIN patients p ON p.id = r.patient_id WHERE r.document_id = 'd' AND p.mrn = 'MRN-B'") == 5)
        #expect(try t.store.documentDetail("d").summary.status != .rejected)
        #expect(try t.store.auditRows(documentID: "d").map(\.action) == ["merge", "rollback", "merge"])
        // Filed for MRN-B now: a file for MRN-A is refused again.
        guard case .refused = try t.merge(Self.doc("d", "MRN-A", conditions: 2)) else { Issue.record("not refused"); return }
    }
}
