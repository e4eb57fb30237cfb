@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

@Suite struct RegistryAndLegacyTests {
    @Test func importsCSVAndFHIRPatients() throws {
        let t = try TestStore()
        let csv = "mrn,given,family,birth_date\nMRN-1,Jane,Doe,1950-03-02\nMRN-2,José,García,1962-07-14\n"
        var summary = try t.store.importPatients(try PatientImport.parse(Array(csv.utf8), fileName: "p.csv"))
        #expect(summary.added == 2)
        let ndjson = """
            {"resourceType":"Patient","identifier":[{"system":"urn:other","value":"X"},{"type":{"coding":[{"code":"MR"}]},"value":"MRN-3"}],"name":[{"family":"Razo","given":["María","Luisa"]}],"birthDate":"1973-08-01"}
            {"resourceType":"Patient","identifier":[{"system":"http://hospital/mrn","value":"MRN-1"}],"name":[{"family":"Doe","given":["Jane","Q"]}],"birthDate":"1950-03-02"}
            """
        summary = try t.store.importPatients(try PatientImport.parse(Array(ndjson.utf8), fileName: "p.ndjson"))
        #expect(summary.added == 1 && summary.updated == 1)
        #expect(try t.store.patient(mrn: "MRN-3")?.name == "María Luisa Razo")
        let bundle = try JSONParser.parse(try t.store.bundle(mrn: "MRN-3"))
        #expect(bundle["entry"]?[0]?["resource"]?["id"]?.stringValue == "MRN-3")
        #expect(throws: DocmergeError.self) { try PatientImport.parse(Array("mrn,given\n,x\n".utf8), fileName: "bad.csv") }
    }

    @Test func legacyRecordsMapAndCount() throws {
        let t = try TestStore()
        let records = """
            [{"document_id":"L1","mrn":"MRN-1","status":"approved"},
             {"document_id":"L2","mrn":"MRN-1","status":"approved","reviewed_by":"dr.who"},
             {"document_id":"L3","mrn":"MRN-2","status":"pending"},
             {"document_id":"L4","mrn":"MRN-2","status":"rejected","reviewed_by":"x"},
             {"document_id":"L5","mrn":"MRN-2","status":"flagged","flag_reason":"low confidence"},
             {"document_id":"L6","mrn":"MRN-2","status":"approved","reviewed_by":""}]
            """
        let summary = try t.store.importLegacy(try LegacyRecord.parse(Array(records.utf8)))
        #expect(summary.imported == 6)
        #expect(summary.mappings == ["approved→auto_approved": 2, "approved→reviewed": 1, "pending": 1, "rejected": 1, "flagged": 1])
        let counts = try t.store.statusCounts()
        #expect(counts[.autoApproved] == 2 && counts[.reviewed] == 1 && counts[.pending] == 1 && counts[.rejected] == 1 && counts[.flagged] == 1)
        #expect(try t.store.verifyAudit().problem == nil)
    }

    @Test func legacyRecordsFromCSV() throws {
        let t = try TestStore()
        let csv = "document_id,mrn,status,reviewed_by,document_name\nC1,MRN-1,approved,,\"scan, page 1.pdf\"\nC2,MRN-1,approved,dr.who,x.pdf\nC3,MRN-2,pending,,\n"
        let summary = try t.store.importLegacy(try LegacyRecord.parse(Array(csv.utf8)))
        #expect(summary.mappings == ["approved→auto_approved": 1, "approved→reviewed": 1, "pending": 1])
        #expect(try t.store.db.scalarText("SELECT document_name FROM documents WHERE document_id = 'C1'") == "scan, page 1.pdf")
    }

    @Test func unknownLegacyStatusesRefuseTheWholeImportWithACount() throws {
        let t = try TestStore()
        let records = """
            {"document_id":"L1","mrn":"MRN-1","status":"approved"}
            {"document_id":"L2","mrn":"MRN-1","status":"on_hold"}
            {"document_id":"L3","mrn":"MRN-1","status":"archived"}
            """
        #expect { try t.store.importLegacy(try LegacyRecord.parse(Array(records.utf8))) } throws: { error in
            "\(error)".contains("2 of 3") && "\(error)".contains("on_hold")
        }
        #expect(try t.count("SELECT count(*) FROM documents") == 0)
    }
}
