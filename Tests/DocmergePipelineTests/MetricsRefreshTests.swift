import DocmergeCore
import DocmergeModel
@testable import DocmergePipeline
import DocmergeTestSupport
import Foundation
import Testing

/// The metrics files' database figures are counts over every document: they are read
/// again only when the database changed, and never more often than their cost allows.
@Suite struct MetricsRefreshTests {
    static let second: UInt64 = 1_000_000_000

    @Test func theFirstDumpReadsAndAnUnchangedDatabaseIsNotReadAgainUntilTheFiguresAge() {
        var refresh = MetricsRefresh()
        #expect(refresh.wantsRead(now: 5 * Self.second, version: 7))
        refresh.read(started: 5 * Self.second, ended: 5 * Self.second + 1_000_000, version: 7)
        #expect(!refresh.wantsRead(now: 10 * Self.second, version: 7))
        #expect(!refresh.wantsRead(now: 64 * Self.second, version: 7))
        #expect(refresh.wantsRead(now: 66 * Self.second, version: 7), "the overdue count moves with the clock alone")
    }

    @Test func aChangedDatabaseIsReadAgainOnceTheLastReadsCostAllows() {
        var refresh = MetricsRefresh()
        // A read that took 2 s (a large database): the next one waits 20 × 2 s after it.
        refresh.read(started: 100 * Self.second, ended: 102 * Self.second, version: 1)
        #expect(!refresh.wantsRead(now: 120 * Self.second, version: 2))
        #expect(!refresh.wantsRead(now: 141 * Self.second, version: 2))
        #expect(refresh.wantsRead(now: 142 * Self.second, version: 2))
        // A cheap read: a change is read at the next dump.
        refresh.read(started: 142 * Self.second, ended: 142 * Self.second + 500_000, version: 2)
        #expect(refresh.wantsRead(now: 147 * Self.second, version: 3))
        #expect(!refresh.wantsRead(now: 147 * Self.second, version: 2))
    }

    @Test func theCollectorReadsTheDatabaseOnlyAfterAnotherConnectionCommitted() async throws {
        let dir = TemporaryDirectory("docmerge-metrics-refresh")
        let db = dir.file("db.sqlite")
        let store = try RecordStore(path: db)
        let thresholds = Thresholds(unknownPatient: .register)
        _ = try store.merge(try DocumentBuilder.clinical(id: "d1", mrn: "MRN-1").prepared(thresholds: thresholds))
        let clock = ManualClock()
        let metrics = MetricsCollector(dbPath: db, overdueDays: 7, clock: clock)

        #expect(await metrics.dump() == nil)
        #expect(await metrics.databaseReads == 1)
        #expect(try Self.documentsTotal(dir.file("metrics.json")) == 1)

        clock.advance(seconds: 5)
        #expect(await metrics.dump() == nil)
        #expect(await metrics.databaseReads == 1, "nothing was committed since the last read")

        _ = try store.merge(try DocumentBuilder.clinical(id: "d2", mrn: "MRN-2").prepared(thresholds: thresholds))
        clock.advance(seconds: 5)
        #expect(await metrics.dump() == nil)
        #expect(await metrics.databaseReads == 2)
        #expect(try Self.documentsTotal(dir.file("metrics.json")) == 2, "the files show the new document")

        #expect(await metrics.dump(fresh: true) == nil)
        #expect(await metrics.databaseReads == 3, "the runner's last dump always reads")
    }

    @Test func aRequestedDumpRunsAfterTheEventsRecordedBeforeItWithoutBeingAwaited() async throws {
        let dir = TemporaryDirectory("docmerge-metrics-request")
        let db = dir.file("db.sqlite")
        _ = try RecordStore(path: db)
        let metrics = MetricsCollector(dbPath: db, overdueDays: 7, clock: ManualClock())
        async let consumed: Void = metrics.run()
        metrics.record(.merged(status: .flagged, mergeMs: 1, landedToCommittedMs: 2, availabilityMs: 3))
        metrics.record(.rejected)
        metrics.requestDump()
        metrics.finish()
        await consumed
        let json = try Self.metricsFile(dir.file("metrics.json"))
        #expect(json["live"]?["merged"]?.numberValue == 1)
        #expect(json["live"]?["flagged"]?.numberValue == 1)
        #expect(json["live"]?["rejected"]?.numberValue == 1)
    }

    static func metricsFile(_ path: String) throws -> JSON {
        try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    static func documentsTotal(_ path: String) throws -> Double? { try metricsFile(path)["documents_total"]?.numberValue }
}
