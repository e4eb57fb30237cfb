import DocmergeCore
import DocmergeModel
import DocmergeNotify
import DocmergeTestSupport
import Foundation
import Testing

/// The notifier in process, with an injected clock: events from the committed audit rows,
/// overdue once per document, the digest at its time, retries, the bounded queue, the audit check.
@Suite struct NotifierTests {
    @Test func flaggedDocumentsGiveOneEventEachWithTheSpecifiedFieldsAndNoPHI() async throws {
        let dir = TemporaryDirectory("docmerge-notifier")
        let clock = TestClock("2026-11-20T09:00:00Z")
        let db = try notifySite(dir, clock: clock, flagged: ["f1", "f2"], approved: ["a1", "a2", "a3"])
        let channel = RecordingChannel()
        let config = notifyConfig { $0.notify.consoleURL = "https://console.example/" }
        let notifier = try Notifier(dbPath: db, config: config, channels: [channel], now: clock.now, log: { _ in })
        await notifier.pass()
        let events = channel.events
        #expect(events.count == 2)
        #expect(Set(events.compactMap { $0["document_id"]?.stringValue }) == ["f1", "f2"])
        for event in events {
            #expect(event["schema"]?.stringValue == "docmerge.notification/v1")
            #expect(event["event"]?.stringValue == "flagged")
            #expect(event["event_id"]?.stringValue?.hasPrefix("flagged-") == true)
            #expect(event["time"]?.stringValue.flatMap(Timestamp.parse) != nil)
            #expect(event["codes"]?.arrayValue?.first?.stringValue == "low_confidence")
            #expect(event["reason"]?.stringValue?.contains("confidence") == true)
            #expect(event["mrn"] == nil, "no MRN unless notify.include_mrn")
            let id = event["document_id"]?.stringValue ?? ""
            #expect(event["link"]?.stringValue == "https://console.example/documents/\(id)/verify/")
            for word in phiWords { #expect(!event.text.contains(word), "\(word) in \(event.text)") }
        }
        // A second pass (and a second notifier on the same database) sends nothing new.
        await notifier.pass()
        let again = try Notifier(dbPath: db, config: config, channels: [channel], now: clock.now, log: { _ in })
        await again.pass()
        #expect(channel.events.count == 2)
        let counts = try RecordStore(path: db, readOnly: true).notificationCounts()
        #expect(counts.delivered == 2 && counts.pending == 0 && counts.failed == 0)
    }

    @Test func theMRNOnlyWhenIncluded() async throws {
        let dir = TemporaryDirectory("docmerge-notifier-mrn")
        let clock = TestClock("2026-11-20T09:00:00Z")
        let db = try notifySite(dir, clock: clock, flagged: ["f1"])
        let channel = RecordingChannel()
        let notifier = try Notifier(dbPath: db, config: notifyConfig { $0.notify.includeMRN = true }, channels: [channel],
                                    now: clock.now, log: { _ in })
        await notifier.pass()
        #expect(channel.events.first?["mrn"]?.stringValue == "MRN-f1")
        #expect(channel.events.first?["link"] == nil, "no link without notify.console_url")
    }

    @Test func overdueOncePerDocumentByTheInjectedClock() async throws {
        let dir = TemporaryDirectory("docmerge-notifier-overdue")
        let clock = TestClock("2026-11-20T09:00:00Z")
        let db = try notifySite(dir, clock: clock, flagged: ["f1", "f2"], approved: ["a1"])
        let channel = RecordingChannel()
        let notifier = try Notifier(dbPath: db, config: notifyConfig { $0.pipeline.overdueDays = 7 }, channels: [channel],
                                    now: clock.now, log: { _ in })
        await notifier.pass()
        clock.set("2026-11-27T08:59:00Z")   // a minute short of seven days
        await notifier.pass()
        let early = channel.events.filter { $0["event"]?.stringValue == "overdue" }.count
        #expect(early == 0)
        clock.set("2026-11-27T09:00:01Z")
        await notifier.pass()
        clock.set("2026-12-10T09:00:00Z")
        await notifier.pass()
        let overdue = channel.events.filter { $0["event"]?.stringValue == "overdue" }
        #expect(overdue.count == 2)
        #expect(Set(overdue.compactMap { $0["event_id"]?.stringValue }) == ["overdue-f1", "overdue-f2"])
        #expect(overdue.allSatisfy { $0["time"]?.stringValue == "2026-11-27T09:00:01.000Z" && $0["overdue_days"]?.numberValue == 7 })
        // A restarted notifier does not repeat them.
        let again = try Notifier(dbPath: db, config: notifyConfig { _ in }, channels: [channel], now: clock.now, log: { _ in })
        await again.pass()
        #expect(channel.events.filter { $0["event"]?.stringValue == "overdue" }.count == 2)
    }

    @Test func theDigestAtItsTimeOnceADay() async throws {
        let dir = TemporaryDirectory("docmerge-notifier-digest")
        let clock = TestClock("2026-11-20T07:00:00Z")
        let db = try notifySite(dir, clock: clock, flagged: ["f1", "f2"], approved: ["a1"])
        let channel = RecordingChannel()
        let config = notifyConfig { $0.notify.digestTime = "08:00"; $0.notify.consoleURL = "https://c.example" }
        let utc = try #require(TimeZone(identifier: "UTC"))
        let notifier = try Notifier(dbPath: db, config: config, channels: [channel], timeZone: utc, now: clock.now, log: { _ in })
        func digests() -> [JSON] { channel.events.filter { $0["event"]?.stringValue == "digest" } }
        await notifier.pass()
        clock.set("2026-11-20T07:59:59Z")
        await notifier.pass()
        let early = digests().count
        #expect(early == 0, "not before its time")
        clock.set("2026-11-20T08:00:00Z")
        await notifier.pass()
        clock.set("2026-11-20T17:00:00Z")
        await notifier.pass()
        #expect(digests().count == 1)
        let digest = try #require(digests().first)
        #expect(digest["event_id"]?.stringValue == "digest-2026-11-20" && digest["day"]?.stringValue == "2026-11-20")
        #expect(digest["flagged_open"]?.numberValue == 2 && digest["overdue"]?.numberValue == 0)
        #expect(digest["reasons"]?["low_confidence"]?.numberValue == 2)
        #expect(digest["oldest"]?["document_id"]?.stringValue == "f1")
        #expect(digest["oldest"]?["link"]?.stringValue == "https://c.example/documents/f1/verify/")
        for word in phiWords + ["MRN-"] { #expect(!digest.text.contains(word)) }
        clock.set("2026-11-21T08:30:00Z")
        await notifier.pass()
        #expect(digests().map { $0["event_id"]?.stringValue } == ["digest-2026-11-20", "digest-2026-11-21"])
    }

    @Test func failuresAreRetriedThenGivenUpAndCounted() async throws {
        let dir = TemporaryDirectory("docmerge-notifier-retry")
        let clock = TestClock("2026-11-20T09:00:00Z")
        let db = try notifySite(dir, clock: clock, flagged: ["f1", "f2"])
        // Fails three times: f1 fails twice then goes through; f2 fails once, then goes through.
        let channel = RecordingChannel(failures: 3)
        let logs = LineLog()
        let notifier = try Notifier(dbPath: db, config: notifyConfig { $0.notify.retryAttempts = 3 }, channels: [channel],
                                    now: clock.now, log: { logs.append($0) })
        await notifier.pass()
        #expect(channel.events.count == 2)
        var counts = try RecordStore(path: db, readOnly: true).notificationCounts()
        #expect(counts.delivered == 2 && counts.failed == 3 && counts.givenUp == 0)
        #expect(logs.text.components(separatedBy: "not delivered: refused on purpose; retrying").count - 1 == 3)
        // Always failing: given up after retry_attempts, counted, logged.
        let dir2 = TemporaryDirectory("docmerge-notifier-giveup")
        let db2 = try notifySite(dir2, clock: clock, flagged: ["g1"])
        let broken = RecordingChannel(failures: 100)
        let giving = try Notifier(dbPath: db2, config: notifyConfig { $0.notify.retryAttempts = 3 }, channels: [broken],
                                  now: clock.now, log: { logs.append($0) })
        await giving.pass()
        counts = try RecordStore(path: db2, readOnly: true).notificationCounts()
        #expect(counts.givenUp == 1 && counts.failed == 3 && counts.delivered == 0)
        #expect(logs.text.contains("given up after 3 attempts"))
    }

    @Test func aFullQueueRecordsDropsAndCountsThem() async throws {
        let dir = TemporaryDirectory("docmerge-notifier-drop")
        let clock = TestClock("2026-11-20T09:00:00Z")
        let db = try notifySite(dir, clock: clock, flagged: ["f1", "f2", "f3"])
        let logs = LineLog()
        // The one queued event fails and waits a long backoff: the queue stays full.
        let config = notifyConfig { $0.notify.queueSize = 1; $0.notify.retryBaseMs = 600_000 }
        let notifier = try Notifier(dbPath: db, config: config, channels: [RecordingChannel(failures: 100)], now: clock.now,
                                    log: { logs.append($0) })
        await notifier.pass()
        let counts = try RecordStore(path: db, readOnly: true).notificationCounts()
        #expect(counts.pending == 1 && counts.dropped == 2 && counts.failed == 1)
        #expect(logs.text.contains("queue is full") && logs.text.contains("2 events recorded as dropped"))
        let metrics = try RecordStore(path: db, readOnly: true).metrics()
        #expect(metrics.json["notifications_dropped"]?.numberValue == 2)
        #expect(metrics.json["notifications_failed"]?.numberValue == 1)
        #expect(metrics.prometheus.contains("docmerge_notifications_failed 1"))
    }

    @Test func aBrokenAuditChainIsAnnouncedOnce() async throws {
        let dir = TemporaryDirectory("docmerge-notifier-audit")
        let clock = TestClock("2026-11-20T09:00:00Z")
        let db = try notifySite(dir, clock: clock, flagged: ["f1"], approved: ["a1"])
        let channel = RecordingChannel()
        let config = notifyConfig { $0.notify.auditCheckMinutes = 60 }
        let notifier = try Notifier(dbPath: db, config: config, channels: [channel], now: clock.now, log: { _ in })
        await notifier.pass()
        #expect(channel.events.allSatisfy { $0["event"]?.stringValue != "audit_broken" })
        #expect(try sqlite3Tool(db, "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'someone' WHERE seq = 2;").status == 0)
        clock.set("2026-11-20T09:30:00Z")
        await notifier.pass()
        #expect(channel.events.allSatisfy { $0["event"]?.stringValue != "audit_broken" }, "checked every 60 minutes")
        clock.set("2026-11-20T10:00:00Z")
        await notifier.pass()
        clock.set("2026-11-20T11:00:00Z")
        await notifier.pass()
        let broken = channel.events.filter { $0["event"]?.stringValue == "audit_broken" }
        #expect(broken.count == 1)
        #expect(broken.first?["broken_seq"]?.numberValue == 2)
        #expect(broken.first?["problem"]?.stringValue?.contains("audit row 2 was edited") == true)
    }
}
