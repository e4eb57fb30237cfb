import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// Notifications from a real runner process, through a hook script.
@Suite struct NotifyRunnerTests {
    /// A config with quick pipeline settings and `notify` as given.
    func config(_ dir: TemporaryDirectory, notify: [String: Any]) throws -> String {
        let path = dir.file("notify-config.json")
        let pipeline: [String: Any] = ["settle_ms": 0, "rescan_seconds": 0.2, "retry_base_ms": 5, "metrics_interval_seconds": 0.5]
        var n: [String: Any] = ["poll_seconds": 0.2, "retry_base_ms": 0, "audit_check_minutes": 0]
        for (k, v) in notify { n[k] = v }
        try JSONSerialization.data(withJSONObject: ["pipeline": pipeline, "notify": n, "registry": ["unknown_patient": "register"]]).write(to: URL(fileURLWithPath: path))
        return path
    }

    func script(_ dir: TemporaryDirectory, _ name: String, _ body: String) throws -> String {
        let path = dir.file(name)
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o755)
        return path
    }

    func documents(flagged: Int, approved: Int, prefix: String = "") -> [(String, [UInt8])] {
        var docs: [(String, [UInt8])] = []
        for i in 0..<flagged {
            var b = DocumentBuilder.clinical(id: "\(prefix)f\(i)", mrn: "MRN-\(prefix)f\(i)")
            b.confidence = 0.5
            docs.append(("\(prefix)f\(i).json", b.bytes))
        }
        for i in 0..<approved { docs.append(("\(prefix)a\(i).json", DocumentBuilder.clinical(id: "\(prefix)a\(i)", mrn: "MRN-\(prefix)a\(i)").bytes)) }
        return docs
    }

    func lines(_ path: String) -> [JSON] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
    }

    @Test func oneFlaggedEventPerFlaggedDocumentAndAReplaySendsNothingNew() throws {
        let dir = TemporaryDirectory("docmerge-notify-run")
        let (inbox, db) = try dir.site()
        let out = dir.file("events.ndjson")
        let hook = try script(dir, "hook.sh", "cat >> '\(out)'")
        let cfg = try config(dir, notify: ["command": [hook], "console_url": "https://console.example"])
        let docs = documents(flagged: 3, approved: 4)
        for (name, bytes) in docs { try drop(bytes, name: name, into: inbox) }
        let first = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--config", cfg])
        #expect(first.status == 0, "\(first.stderr)")
        let events = lines(out)
        #expect(events.count == 3)
        #expect(Set(events.compactMap { $0["document_id"]?.stringValue }) == ["f0", "f1", "f2"], "none for auto-approved")
        for event in events {
            #expect(event["schema"]?.stringValue == "docmerge.notification/v1" && event["event"]?.stringValue == "flagged")
            #expect(event["event_id"]?.stringValue != nil && event["time"]?.stringValue != nil && event["mrn"] == nil)
            #expect(event["link"]?.stringValue == "https://console.example/documents/\(event["document_id"]?.stringValue ?? "")/verify/")
            for word in phiWords + ["MRN-"] { #expect(!event.text.contains(word), "\(word) in \(event.text)") }
        }
        // The same files again: a replay changes nothing and sends nothing.
        for (name, bytes) in docs { try drop(bytes, name: name, into: inbox) }
        let replay = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--config", cfg])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(lines(out).count == 3)
        let metrics = try DocmergeBinary.run(["metrics", "--format", "json", "--db", db])
        let json = try JSONParser.parse(Array(metrics.stdout.utf8))
        #expect(json["notifications_delivered"]?.numberValue == 3 && json["notifications_failed"]?.numberValue == 0)
    }

    @Test func killNineAndRestartNeitherLosesNorRepeatsEvents() throws {
        let dir = TemporaryDirectory("docmerge-notify-kill")
        let (inbox, db) = try dir.site()
        let out = dir.file("events.ndjson")
        let hook = try script(dir, "hook.sh", "cat >> '\(out)'")
        let cfg = try config(dir, notify: ["command": [hook]])
        for (name, bytes) in documents(flagged: 30, approved: 10) { try drop(bytes, name: name, into: inbox) }
        let runner = try RunnerProcess(watch: inbox, db: db, config: cfg)
        #expect(eventually(60) { lines(out).count >= 3 })
        runner.kill9()
        _ = runner.wait()
        let restart = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--config", cfg])
        #expect(restart.status == 0, "\(restart.stderr)")
        let ids = lines(out).compactMap { $0["event_id"]?.stringValue }
        // The expected ids: one per committed flagged merge, named by its audit row.
        let store = try RecordStore(path: db, readOnly: true)
        let expected = try store.auditRows(after: 0).filter { $0.action == "merge" && $0.detail.contains(#""status":"flagged""#) }
            .map { "flagged-\($0.seq)" }
        #expect(expected.count == 30)
        #expect(Set(ids) == Set(expected), "nothing lost")
        // At-least-once: only the one event in flight at the kill may come twice.
        #expect(ids.count - Set(ids).count <= 1, "\(ids.count) lines for \(Set(ids).count) ids")
    }

    @Test(arguments: [("sleep 1000", "did not finish within"), ("cat > /dev/null; exit 1", "exited with status 1"), ("", "was not found")])
    func aHangingFailingOrMissingHookDoesNotHoldUpTheRun(_ body: String, _ sentence: String) throws {
        let dir = TemporaryDirectory("docmerge-notify-bad")
        let (inbox, db) = try dir.site()
        let hook = body.isEmpty ? dir.file("no-such-hook") : try script(dir, "hook.sh", body)
        let cfg = try config(dir, notify: ["command": [hook], "timeout_seconds": 1, "drain_seconds": 1, "retry_attempts": 2])
        for (name, bytes) in documents(flagged: 20, approved: 20) { try drop(bytes, name: name, into: inbox) }
        let started = Date()
        let result = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--config", cfg])
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(files(in: inbox + "/processed").count == 40, "every document merged")
        // The usual bound of a 40-document --once run, plus at most one timeout and the drain.
        #expect(elapsed < 30, "took \(elapsed) s")
        #expect(result.stderr.contains(sentence), "\(result.stderr)")
        let json = try JSONParser.parse(Array(try DocmergeBinary.run(["metrics", "--format", "json", "--db", db]).stdout.utf8))
        #expect((json["notifications_failed"]?.numberValue ?? 0) >= 1)
        let store = try RecordStore(path: db, readOnly: true)
        #expect(try store.metrics().statusCounts[.flagged] == 20)
    }
}
