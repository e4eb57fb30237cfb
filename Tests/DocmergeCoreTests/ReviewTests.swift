@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Synchronization
import Testing

@Suite struct ReviewTests {
    enum Start: String, CaseIterable { case flagged, autoApproved, reviewed, rejected }
    enum Action: String, CaseIterable { case markCorrect, correct, rollback }

    /// A document in the given state.
    func document(in state: Start) throws -> TestStore {
        let t = try TestStore()
        var doc = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1")
        if state == .flagged { doc.confidence = 0.5 }
        _ = try t.mergedResult(doc)
        _ = try t.mergedResult(DocumentBuilder.clinical(id: "doc-bystander", mrn: "MRN-1"))
        if state == .reviewed { try t.store.markCorrect(documentID: "doc-1", reviewer: "first") }
        if state == .rejected { try t.store.rollback(documentID: "doc-1", reviewer: "first", reason: nil) }
        return t
    }

    func perform(_ action: Action, on t: TestStore) throws {
        switch action {
        case .markCorrect: try t.store.markCorrect(documentID: "doc-1", reviewer: "steward.ann")
        case .correct:
            _ = try t.store.correct(documentID: "doc-1", entries: [try Self.correctedEntry()], reviewer: "steward.ann")
        case .rollback: try t.store.rollback(documentID: "doc-1", reviewer: "steward.ann", reason: "why not")
        }
    }

    static func correctedEntry() throws -> Extraction.Entry {
        let json = DocumentBuilder.condition(id: "c0", code: "1", display: "Corrected condition")
        return try EntriesDecoder.decode(.array([json]), at: "$")[0]
    }

    static let allowed: [Action: Set<Start>] = [
        .markCorrect: [.flagged, .autoApproved],
        .correct: [.flagged, .autoApproved, .reviewed],
        .rollback: [.flagged, .autoApproved, .reviewed],
    ]

    @Test(arguments: Action.allCases, Start.allCases)
    func actionFromState(_ action: Action, _ start: Start) throws {
        let t = try document(in: start)
        let bystander = try t.snapshot("MRN-1").filter { $0.value.containsSubsequence(Array("document_doc-bystander\"".utf8)) }
        let auditBefore = try t.count("SELECT count(*) FROM audit")
        let versionBefore = try t.count("SELECT version FROM documents WHERE document_id = 'doc-1'")
        if Self.allowed[action]?.contains(start) == true {
            try perform(action, on: t)
            let row = try #require(try t.store.auditRows(documentID: "doc-1").last)
            #expect(row.actor == "steward.ann")
            #expect(try t.count("SELECT count(*) FROM audit") == auditBefore + 1)
            #expect(try t.count("SELECT version FROM documents WHERE document_id = 'doc-1'") == versionBefore + 1)
            let status = try t.store.db.scalarText("SELECT review_status FROM documents WHERE document_id = 'doc-1'")
            #expect(status == (action == .rollback ? "rejected" : "reviewed"))
            #expect(try t.store.db.scalarText("SELECT reviewed_by FROM documents WHERE document_id = 'doc-1'") == "steward.ann")
        } else {
            #expect { try perform(action, on: t) } throws: { ($0 as? DocmergeError)?.kind == .conflict }
            #expect(try t.count("SELECT count(*) FROM audit") == auditBefore)
        }
        let after = try t.snapshot("MRN-1").filter { $0.value.containsSubsequence(Array("document_doc-bystander\"".utf8)) }
        #expect(after == bystander)
    }

    @Test func correctReplacesTheContributionAndAuditsBeforeAndAfter() throws {
        let t = try document(in: .flagged)
        let changes = try t.store.correct(documentID: "doc-1", entries: [try Self.correctedEntry()], reviewer: "ann")
        #expect(changes.updated == 1 && changes.deleted == 4 && changes.inserted == 0)
        #expect(try t.count("SELECT count(*) FROM resources WHERE document_id = 'doc-1'") == 1)
        let row = try #require(try t.store.auditRows(documentID: "doc-1").last)
        #expect(row.action == "correct")
        #expect(row.detail.contains("\"before\"") && row.detail.contains("\"after\"") && row.detail.contains("Corrected condition"))
    }

    @Test func expectVersionRefusesAStaleView() throws {
        let t = try document(in: .flagged)
        #expect { try t.store.markCorrect(documentID: "doc-1", reviewer: "a", expectVersion: 7) } throws: {
            ($0 as? DocmergeError)?.kind == .conflict
        }
        try t.store.markCorrect(documentID: "doc-1", reviewer: "a", expectVersion: 1)
    }

    /// People win: an automatic re-ingest never overwrites a person's decision.
    @Test(arguments: [Action.markCorrect, .correct, .rollback])
    func reIngestAfterADecisionIsAConflict(_ action: Action) throws {
        let t = try document(in: .flagged)
        try perform(action, on: t)
        let before = try t.snapshot("MRN-1")
        let status = try t.store.db.scalarText("SELECT review_status FROM documents WHERE document_id = 'doc-1'")
        var newer = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1", conditions: 6, medications: 0)
        newer.extractedAt = "2026-12-01T00:00:00Z"
        let outcome = try t.merge(newer)
        #expect(outcome == .conflict(documentID: "doc-1", status: ReviewStatus(rawValue: status ?? "") ?? .pending))
        #expect(try t.snapshot("MRN-1") == before)
        var filter = RecordStore.ListFilter()
        filter.conflicts = true
        #expect(try t.store.reviewList(filter).map(\.documentID) == ["doc-1"])
        #expect(try t.store.documentDetail("doc-1").conflicts.count == 1)
        // The same re-ingest again is a replay: nothing more.
        #expect(try t.merge(newer) == .unchanged(documentID: "doc-1", status: ReviewStatus(rawValue: status ?? "") ?? .pending))
    }

    @Test func retryMergesADocumentWhoseMergeFailed() throws {
        let t = try TestStore()
        let doc = try DocumentBuilder.clinical(id: "doc-f", mrn: "MRN-1").prepared(thresholds: Thresholds(minConfidence: 0.5))
        try t.store.recordFailure(doc, error: "the disk or database is full")
        #expect(try t.count("SELECT count(*) FROM documents WHERE review_status = 'flagged' AND is_merged = 0 AND flag_reason LIKE 'merge failed%'") == 1)
        #expect { try t.store.markCorrect(documentID: "doc-f", reviewer: "a") } throws: { ($0 as? DocmergeError)?.kind == .conflict }
        guard case .merged(let r) = try t.store.retry(documentID: "doc-f") else { Issue.record("not merged"); return }
        // The failed merge registered the patient from doc-f under register_and_flag: check 7
        // belongs to doc-f, so the retry judges the same way.
        #expect(r.inserted == 5 && r.status == .flagged && r.findings.map(\.code) == [.newPatient])
        #expect(try t.count("SELECT is_merged FROM documents WHERE document_id = 'doc-f'") == 1)
        #expect(try t.store.db.scalarText("SELECT thresholds FROM documents WHERE document_id = 'doc-f'")?.contains("0.5") == true)
        #expect { try t.store.retry(documentID: "doc-f") } throws: { ($0 as? DocmergeError)?.kind == .conflict }
    }

    @Test func listIsOldestFirstWithAgeAndOverdue() throws {
        let clock = MutableClock(Date(timeIntervalSince1970: 1_780_000_000))
        let t = try TestStore(now: { clock.now })
        for (i, daysAgo) in [8.0, 2.0, 7.0].enumerated() {
            clock.now = Date(timeIntervalSince1970: 1_780_000_000 - daysAgo * 86_400)
            var d = DocumentBuilder.clinical(id: "doc-\(i)", mrn: "MRN-1")
            d.confidence = 0.5
            _ = try t.mergedResult(d)
        }
        clock.now = Date(timeIntervalSince1970: 1_780_000_000)
        let list = try t.store.reviewList(.init())
        #expect(list.map(\.documentID) == ["doc-0", "doc-2", "doc-1"])
        #expect(list.map(\.overdue) == [true, true, false])
        #expect(list.map { Int($0.ageDays) } == [8, 7, 2])
    }
}

/// A clock the test moves by hand.
final class MutableClock: Sendable {
    private let value: Mutex<Date>
    init(_ now: Date) { value = Mutex(now) }
    var now: Date {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

@Suite struct PeopleWinAfterFailureTests {
    /// A steward corrects a document whose merge had failed; the parked file's automatic
    /// retry must not overwrite that correction.
    @Test func aRetryAfterACorrectionIsAConflict() throws {
        let t = try TestStore()
        let doc = try DocumentBuilder.clinical(id: "doc-f", mrn: "MRN-1").prepared()
        try t.store.recordFailure(doc, error: "the database is locked by another process")
        let entry = try EntriesDecoder.decode(.array([DocumentBuilder.condition(id: "c0", code: "1", display: "by hand")]), at: "$")
        _ = try t.store.correct(documentID: "doc-f", entries: entry, reviewer: "ann")
        #expect(try t.store.merge(doc) == .conflict(documentID: "doc-f", status: .reviewed))
        #expect(try t.count("SELECT count(*) FROM resources WHERE document_id = 'doc-f'") == 1)
    }
}
