import DocmergeCore
import DocmergeModel
import DocmergeNotify
import DocmergeTestSupport
import Foundation
import Synchronization
import Testing

/// The webhook channel against a server in the test on 127.0.0.1.
@Suite struct WebhookTests {
    @Test func eventsArePostedAndRetriedOn500() async throws {
        let server = try LoopbackServer(failures: 2)
        let dir = TemporaryDirectory("docmerge-webhook")
        let clock = TestClock("2026-11-20T09:00:00Z")
        let db = try notifySite(dir, clock: clock, flagged: ["f1"], approved: ["a1"])
        let config = notifyConfig {
            $0.notify.command = []
            $0.notify.webhookURL = "http://127.0.0.1:\(server.port)/hook"
            $0.notify.timeoutSeconds = 5
        }
        let notifier = try Notifier(dbPath: db, config: config, now: clock.now, log: { _ in })
        await notifier.pass()
        let requests = server.received
        #expect(requests.count == 3, "two 500s, then taken")
        for request in requests {
            #expect(request.hasPrefix("POST /hook HTTP/1.1\r\n"))
            #expect(request.lowercased().contains("content-type: application/json"))
            #expect(request.lowercased().contains("x-docmerge-event-id: flagged-"))
        }
        let body = try #require(requests.last?.components(separatedBy: "\r\n\r\n").last)
        let event = try JSONParser.parse(Array(body.utf8))
        #expect(event["event"]?.stringValue == "flagged" && event["document_id"]?.stringValue == "f1")
        #expect(Set(requests.compactMap { $0.components(separatedBy: "\r\n\r\n").last }).count == 1, "the same body each time")
        let counts = try RecordStore(path: db, readOnly: true).notificationCounts()
        #expect(counts.delivered == 1 && counts.failed == 2)
    }

    @Test func notifyTestSaysWhatHappened() throws {
        let server = try LoopbackServer(failures: 0)
        let dir = TemporaryDirectory("docmerge-notify-test")
        let path = dir.file("c.json")
        try Data(#"{"notify":{"webhook_url":"http://127.0.0.1:\#(server.port)/x","command":["/bin/false"]}}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        let result = try DocmergeBinary.run(["notify", "test", "--config", path])
        #expect(result.status == 1, "the command failed")
        #expect(result.stdout.contains("command: FAILED: the notify command /bin/false exited with status 1"), "\(result.stdout)")
        #expect(result.stdout.contains("webhook: delivered"), "\(result.stdout)")
        #expect(server.received.count == 1 && server.received[0].contains(#""event":"test""#))
        // Plain http off the loopback is refused by the config check, in one sentence.
        try Data(#"{"notify":{"webhook_url":"http://example.org/x"}}"#.utf8).write(to: URL(fileURLWithPath: path))
        let refused = try DocmergeBinary.run(["notify", "test", "--config", path])
        #expect(refused.status == 2 && refused.stderr.contains("notify.webhook_url must be an https:// URL"))
        let none = try DocmergeBinary.run(["notify", "test", "--config", "/dev/null/none"])
        #expect(none.status == 2)
    }

    /// The server takes the connection and reads the request, then never answers nor
    /// closes. Each attempt ends within the timeout (and the channel's one second of
    /// grace, and a margin) with a reason; the event stays pending for a retry with the
    /// failure counted, never delivered; the next channel and the next event still go out.
    @Test(.timeLimit(.minutes(1))) func aWebhookThatNeverAnswersFailsWithinItsTimeoutAndBlocksNothing() async throws {
        let server = try LoopbackServer(failures: 0, silent: true)
        let url = "http://127.0.0.1:\(server.port)/hook"
        let timeout = 1.0
        // The channel's own limit (the timeout and a second of grace), and a margin for a loaded machine.
        let bound = Duration.seconds(timeout + 1 + 3)
        let clock = ContinuousClock()

        // The channel alone.
        let webhook = try #require(WebhookChannel(url: url))
        let started = clock.now
        let problem = webhook.deliver(NotificationRecordBody(eventID: "e-1", body: "{}"), timeout: timeout)
        let took = clock.now - started
        #expect(problem?.hasPrefix("the webhook") == true, "\(problem ?? "delivered")")
        #expect(took < bound, "\(took)")
        #expect(took >= .seconds(timeout / 2), "it waited for an answer: \(took)")
        #expect(server.received.count == 1 && server.received.first?.hasPrefix("POST /hook HTTP/1.1\r\n") == true,
                "the request reached the server whole")

        // Through the notifier: two events, the silent webhook first, then another channel.
        let dir = TemporaryDirectory("docmerge-webhook-silent")
        let testClock = TestClock("2026-11-20T09:00:00Z")
        let db = try notifySite(dir, clock: testClock, flagged: ["f1", "f2"])
        let config = notifyConfig {
            $0.notify.command = []
            $0.notify.webhookURL = url
            $0.notify.timeoutSeconds = timeout
            $0.notify.retryBaseMs = 600_000   // the retry is due long after this pass
        }
        let recording = RecordingChannel()
        let lines = Mutex<[String]>([])
        let timed = Notifier.channels(for: config.notify).map(TimedChannel.init)
        #expect(timed.map(\.name) == ["webhook"])
        let notifier = try Notifier(dbPath: db, config: config, channels: timed + [recording],
                                    now: testClock.now, log: { line in lines.withLock { $0.append(line) } })
        let passStarted = clock.now
        await notifier.pass()
        let passTook = clock.now - passStarted
        let attempts = timed.flatMap(\.durations)
        #expect(attempts.count == 2 && attempts.allSatisfy { $0 < bound }, "one bounded attempt per event: \(attempts)")
        #expect(passTook < .seconds(30), "the pass returned: \(passTook)")
        #expect(server.received.count == 3, "both events were posted")
        #expect(recording.events.compactMap { $0["document_id"]?.stringValue }.sorted() == ["f1", "f2"],
                "the other channel got both events")
        let counts = try RecordStore(path: db, readOnly: true).notificationCounts()
        #expect(counts.delivered == 0 && counts.pending == 2 && counts.failed == 2 && counts.givenUp == 0, "\(counts)")
        let failures = lines.withLock { $0 }.filter { $0.contains("not delivered: the webhook") && $0.contains("retrying in") }
        #expect(failures.count == 2, "\(lines.withLock { $0 })")
    }
}

/// Times each delivery of the channel it wraps.
final class TimedChannel: NotifyChannel {
    let inner: any NotifyChannel
    private let times = Mutex<[Duration]>([])
    init(_ inner: any NotifyChannel) { self.inner = inner }
    var name: String { inner.name }
    var durations: [Duration] { times.withLock { $0 } }

    func deliver(_ notification: NotificationRecordBody, timeout: Double) -> String? {
        let clock = ContinuousClock()
        let started = clock.now
        defer { times.withLock { $0.append(clock.now - started) } }
        return inner.deliver(notification, timeout: timeout)
    }
}
