import DocmergeCore
import DocmergeModel
import DocmergeNotify
import DocmergeTestSupport
import Foundation
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
}
