import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// Flagged records from the old approval workflow: their own age, finishable, apart in flag_rate.
@Suite struct LegacyReviewTests {
    static let now = Date(timeIntervalSince1970: 1_780_000_000)   // 2026-05-28T20:26:40Z

    func imported() throws -> TestStore {
        let t = try TestStore(now: { Self.now })
        let records = """
            [{"document_id":"L1","mrn":"MRN-1","status":"flagged","flag_reason":"handwriting unreadable","created_at":"2026-05-18 20:26:40"},
             {"document_id":"L2","mrn":"MRN-1","status":"flagged","created_at":"2026-05-26"},
             {"document_id":"L3","mrn":"MRN-2","status":"approved"}]
            """
        _ = try t.store.importLegacy(try LegacyRecord.parse(Array(records.utf8)))
        var flagged = DocumentBuilder.clinical(id: "live-flagged", mrn: "MRN-1")
        flagged.confidence = 0.5
        _ = try t.mergedResult(flagged)
        _ = try t.mergedResult(DocumentBuilder.clinical(id: "live-ok", mrn: "MRN-1"))
        return t
    }

    @Test func keepsItsOriginalReasonAndAgeFromItsOriginalDate() throws {
        let t = try imported()
        let list = try t.store.reviewList(.init())
        #expect(list.map(\.documentID) == ["L1", "L2", "live-flagged"])
        #expect(list[0].createdAt == "2026-05-18T20:26:40.000Z" && Int(list[0].ageDays) == 10 && list[0].overdue && list[0].legacy)
        #expect(list[0].flagReason == "handwriting unreadable")
        #expect(Int(list[1].ageDays) == 2 && !list[1].overdue && list[1].flagReason?.contains("no reason recorded") == true)
        #expect(!list[2].legacy)
        #expect(try t.store.metrics().overdueFlagged == 1)
    }

    @Test func markCorrectAndRollbackWorkAndSayNothingWasMerged() throws {
        let t = try imported()
        try t.store.markCorrect(documentID: "L1", reviewer: "ann", reason: "checked the paper chart")
        let row = try #require(try t.store.auditRows(documentID: "L1").last)
        #expect(row.action == "mark_correct" && row.detail.contains("\"merged\":false") && row.detail.contains("checked the paper chart"))
        #expect(try t.store.rollback(documentID: "L2", reviewer: "ann", reason: "not this patient") == 0)
        let rolled = try #require(try t.store.auditRows(documentID: "L2").last)
        #expect(rolled.action == "rollback" && rolled.detail.contains("\"legacy\":true") && rolled.detail.contains("\"removed\":0"))
        #expect(try t.store.statusCounts()[.flagged] == 1)
        #expect(try t.store.reviewList(.init()).map(\.documentID) == ["live-flagged"])
        #expect { try t.store.rollback(documentID: "L2", reviewer: "ann", reason: nil) } throws: { ($0 as? DocmergeError)?.kind == .conflict }
    }

    @Test func countedApartFromLiveDocumentsInTheFlagRate() throws {
        let t = try imported()
        let m = try t.store.metrics()
        #expect(m.classified == 2 && m.classifiedFlagged == 1 && m.flagRate == 0.5, "only the live documents")
        #expect(m.legacyDocuments == 3 && m.legacyFlaggedOpen == 2)
        #expect(m.json["legacy_flagged_open"] == .number("2") && m.json["flag_rate"] == .number("0.5"))
    }

    @Test func anUnreadableDateRefusesTheImport() throws {
        let t = try TestStore()
        let records = #"[{"document_id":"L1","mrn":"MRN-1","status":"flagged","created_at":"last Tuesday"}]"#
        #expect(throws: DocmergeError.self) { try t.store.importLegacy(try LegacyRecord.parse(Array(records.utf8))) }
        #expect(try t.count("SELECT count(*) FROM documents") == 0)
    }

    @Test func auditRowsRecordTheOperatingSystemUserAndHost() throws {
        let t = try TestStore()
        t.store.identity = OSIdentity(user: "ann.s", host: "ward-3")
        _ = try t.mergedResult(DocumentBuilder.clinical(id: "d", mrn: "MRN-1"))
        try t.store.markCorrect(documentID: "d", reviewer: "dr.lee")
        let rows = try t.store.auditRows(documentID: "d")
        #expect(rows.allSatisfy { $0.osUser == "ann.s" && $0.host == "ward-3" })
        #expect(rows.last?.actor == "dr.lee")
        #expect(try t.store.verifyAudit().problem == nil)
    }
}
