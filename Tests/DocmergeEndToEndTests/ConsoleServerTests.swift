#if canImport(Glibc)
import Glibc
#endif
import DocmergeCore
import DocmergeModel
import DocmergeStressKit
import DocmergeTestSupport
import Foundation
import Testing

/// The review console as a steward meets it: a real `docmerge serve` over real sockets.
@Suite(.serialized) struct ConsoleServerTests {
    func lastAudit(_ db: String, _ doc: String) throws -> AuditRow? {
        try RecordStore(path: db).auditRows(documentID: doc).last
    }

    func status(_ db: String, _ doc: String) throws -> String {
        try RecordStore(path: db).documentDetail(doc).summary.status.rawValue
    }

    @Test(.timeLimit(.minutes(3)))
    func signInRolesAndCSRF() throws {
        let site = try ConsoleSite(documents: [ConsoleSite.flagged("f-1"), ConsoleSite.flagged("f-2"), DocumentBuilder.clinical(id: "ok-1", mrn: "MRN-1")])
        let serve = try ServeProcess(db: site.db, dir: site.dir)
        let anonymous = serve.client()
        #expect(try anonymous.get("/").location?.hasPrefix("/login") == true)
        #expect(try anonymous.get("/documents/f-1/verify/").location == "/login?next=%2Fdocuments%2Ff-1%2Fverify%2F")
        #expect(try anonymous.get("/healthz").status == 200)
        #expect(try anonymous.get("/metrics").body.contains("docmerge_documents_total 3"), "metrics are open on loopback")
        let proxied = try anonymous.raw(Array("GET /metrics HTTP/1.1\r\nHost: review.example\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n".utf8))
        #expect(proxied.status == 401, "a request a proxy forwarded is not a loopback client")

        // Wrong password: refused, no session.
        let wrong = try serve.client().login("alice", "not-the-password")
        #expect(wrong.status == 401 && wrong.body.contains("Wrong account name or password"))
        #expect(try anonymous.get("/").status == 303)
        // A sign-in form post without its cookie (another site's form) is refused.
        #expect(try serve.client().post("/login", [("csrf", "x"), ("name", "alice"), ("password", ConsoleSite.password)]).status == 403)

        let alice = serve.client()
        let signedIn = try alice.login("alice", ConsoleSite.password)
        #expect(signedIn.status == 303)
        let cookie = signedIn.headers.first { $0.0 == "Set-Cookie" && $0.1.hasPrefix("dm_session=") }?.1 ?? ""
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
        #expect(!cookie.contains("Secure"), "not behind TLS in this test")
        #expect(alice.cookies["dm_session"]?.utf8.count == 64)
        let dashboard = try alice.get("/")
        #expect(dashboard.status == 200 && dashboard.body.contains("id=\"flagged-count\">2<"))
        #expect(dashboard.header("Content-Security-Policy")?.contains("default-src 'none'") == true)

        // CSRF: a form without the session's token changes nothing.
        let page = try alice.get("/documents/f-1/verify/")
        let version = try #require(ConsoleClient.field("version", in: page.body))
        let forged = try alice.post("/documents/f-1/mark-correct/", [("csrf", String(repeating: "0", count: 64)), ("version", version)])
        #expect(forged.status == 403)
        let missing = try alice.post("/documents/f-1/mark-correct/", [("version", version)])
        #expect(missing.status == 403)
        #expect(try status(site.db, "f-1") == "flagged")

        // A viewer reads but cannot act, even with a valid token.
        let vera = serve.client()
        #expect(try vera.login("vera", ConsoleSite.password).status == 303)
        let seen = try vera.get("/documents/f-1/verify/")
        #expect(seen.status == 200 && !seen.body.contains("Mark as correct") && seen.body.contains("viewer account"))
        let veraToken = try #require(ConsoleClient.field("csrf", in: seen.body))
        #expect(try vera.post("/documents/f-1/mark-correct/", [("csrf", veraToken), ("version", version)]).status == 403)
        #expect(try status(site.db, "f-1") == "flagged")

        // Sign out ends the session on the server, not only in the browser.
        let token = try #require(ConsoleClient.field("csrf", in: dashboard.body))
        let saved = alice.cookies
        #expect(try alice.post("/logout", [("csrf", token)]).location == "/login")
        alice.cookies = saved
        #expect(try alice.get("/").status == 303, "the old cookie no longer works")

        // A password change ends the account's sessions at their next request.
        let bob = serve.client()
        #expect(try bob.login("bob", ConsoleSite.password).status == 303)
        #expect(try bob.get("/").status == 200)
        #expect(try runWithInput(["stewards", "passwd", "bob", "--db", site.db, "--iterations", "1000"], input: "another-long-password\n").status == 0)
        #expect(try bob.get("/").status == 303)

        // Repeated failures lock the account out for a while, even with the right password.
        let guesser = serve.client()
        for _ in 0..<5 { #expect(try guesser.login("carol", "guess-guess-guess").status == 401) }
        let locked = try guesser.login("carol", ConsoleSite.password)
        #expect(locked.status == 429 && locked.body.contains("Too many failed sign-ins"))
        #expect(serve.stop() == 0, "SIGTERM stops the console cleanly")
    }

    @Test(.timeLimit(.minutes(3)))
    func sessionsExpire() throws {
        let site = try ConsoleSite(documents: [ConsoleSite.flagged("f-1")])
        let serve = try ServeProcess(db: site.db, dir: site.dir, extra: ["--session-minutes", "0.02"])
        let alice = serve.client()
        #expect(try alice.login("alice", ConsoleSite.password).status == 303)
        #expect(try alice.get("/").status == 200)
        // Idle past 1.2 s (the passage of idle time is what is tested, so no request may
        // be made meanwhile: each would extend the session): the next request must sign in again.
        usleep(2_500_000)
        #expect(try alice.get("/").location?.hasPrefix("/login") == true)
        #expect(serve.stop() == 0)
    }

    @Test(.timeLimit(.minutes(4)))
    func everyActionIsAuditedUnderTheSteward() throws {
        var failing = ConsoleSite.flagged("fail-1")
        failing.confidence = 0.97
        let site = try ConsoleSite(documents: ["a-1", "a-2", "a-3", "a-4", "a-5"].map { ConsoleSite.flagged($0) })
        // One document whose merge fails (a trigger raising, as an I/O fault would).
        #expect(try sqlite3Tool(site.db, "CREATE TRIGGER injected_fault BEFORE INSERT ON resources WHEN NEW.document_id LIKE 'fail-%' BEGIN SELECT RAISE(ABORT, 'injected I/O fault'); END;").status == 0)
        try drop(failing.bytes, name: "fail-1.json", into: site.inbox)
        _ = try DocmergeBinary.run(["run", "--watch", site.inbox, "--db", site.db, "--once", "--quiet"])
        #expect(try sqlite3Tool(site.db, "DROP TRIGGER injected_fault;").status == 0)

        let serve = try ServeProcess(db: site.db, dir: site.dir)
        let alice = serve.client()
        #expect(try alice.login("alice", ConsoleSite.password).status == 303)
        func form(_ doc: String) throws -> (csrf: String, version: String, body: String) {
            let page = try alice.get("/documents/\(doc)/verify/")
            #expect(page.status == 200)
            return (try #require(ConsoleClient.field("csrf", in: page.body)), try #require(ConsoleClient.field("version", in: page.body)), page.body)
        }

        // Mark as correct: leaves the queue; the audit row names alice.
        var f = try form("a-1")
        #expect(f.body.contains(">Mark as correct</button>") && f.body.contains(">Remove from record</button>") && f.body.contains(">Correct data</button>"))
        let marked = try alice.post("/documents/a-1/mark-correct/", [("csrf", f.csrf), ("version", f.version)])
        #expect(marked.status == 303 && marked.location?.hasPrefix("/documents/flagged/?done=mark-correct") == true)
        #expect(try status(site.db, "a-1") == "reviewed")
        #expect(try lastAudit(site.db, "a-1")?.actor == "alice" && lastAudit(site.db, "a-1")?.action == "mark_correct")
        let queue = try alice.get(marked.location ?? "/documents/flagged/")
        #expect(queue.body.contains("a-1 was marked as correct") && !queue.body.contains("/documents/a-1/verify/"))

        // A stale version is refused and the page shows the new state.
        let stale = try alice.post("/documents/a-1/mark-correct/", [("csrf", f.csrf), ("version", f.version)])
        #expect(stale.status == 409 && stale.body.contains("This document changed since you opened it"))
        #expect(stale.body.contains("id=\"status\">reviewed<"))
        #expect(try RecordStore(path: site.db).auditRows(documentID: "a-1").filter { $0.action == "mark_correct" }.count == 1)

        // Correct data: an entry refused is shown beside the entry and nothing changes.
        f = try form("a-2")
        let count = Int(ConsoleClient.field("count", in: f.body) ?? "") ?? 0
        #expect(count == 5)
        var fields: [(String, String)] = [("csrf", f.csrf), ("version", f.version), ("count", String(count))]
        let entries = try RecordStore(path: site.db).documentDetail("a-2")
        let tree = try JSONParser.parse(entries.extraction)["entries"]?.arrayValue ?? []
        for (i, entry) in tree.enumerated() {
            fields.append(("entry-\(i)-resource", (entry["resource"] ?? .null).text))
            fields.append(("entry-\(i)-snippet", entry["snippet"]?.stringValue ?? ""))
            fields.append(("entry-\(i)-confidence", ""))
        }
        var bad = fields
        bad[3 + 3 * 1] = ("entry-1-resource", "{\"resourceType\": \"Condition\", \"id\": ")
        let refused = try alice.post("/documents/a-2/correct/", bad)
        #expect(refused.status == 422 && refused.body.contains("id=\"entry-1-error\"") && refused.body.contains("not valid JSON"))
        #expect(try status(site.db, "a-2") == "flagged")
        // Edit entry 0's display, drop entry 4, add an Observation.
        var good = fields
        good[3] = ("entry-0-resource", (tree[0]["resource"] ?? .null).text.replacingOccurrences(of: "Condition 0 of a-2", with: "Corrected condition"))
        good.append(("entry-4-drop", "1"))
        good.append(("new-resource", "{\"resourceType\": \"Observation\", \"status\": \"final\", \"code\": {\"text\": \"Added by steward\"}}"))
        good.append(("new-snippet", "seen on page 2"))
        good.append(("new-confidence", "1"))
        let corrected = try alice.post("/documents/a-2/correct/", good)
        #expect(corrected.status == 303, "\(corrected.body.prefix(600))")
        let after = try alice.get(corrected.location ?? "")
        #expect(after.body.contains("Corrected condition") && after.body.contains("Added by steward") && after.body.contains("id=\"status\">reviewed<"))
        let row = try #require(try lastAudit(site.db, "a-2"))
        #expect(row.actor == "alice" && row.action == "correct" && row.detail.contains("\"inserted\":1") && row.detail.contains("\"deleted\":1"))

        // Remove from record: needs the reason and the confirmation.
        f = try form("a-3")
        #expect(try alice.post("/documents/a-3/remove/", [("csrf", f.csrf), ("version", f.version), ("reason", "wrong patient")]).status == 422)
        #expect(try alice.post("/documents/a-3/remove/", [("csrf", f.csrf), ("version", f.version), ("confirm", "yes")]).status == 422)
        #expect(try status(site.db, "a-3") == "flagged")
        let removed = try alice.post("/documents/a-3/remove/", [("csrf", f.csrf), ("version", f.version), ("reason", "wrong patient"), ("confirm", "yes")])
        #expect(removed.status == 303)
        #expect(try status(site.db, "a-3") == "rejected")
        let rollback = try #require(try lastAudit(site.db, "a-3"))
        #expect(rollback.actor == "alice" && rollback.action == "rollback" && rollback.detail.contains("wrong patient"))

        // Retry a failed merge.
        f = try form("fail-1")
        #expect(f.body.contains(">Retry the merge</button>"))
        let retried = try alice.post("/documents/fail-1/retry/", [("csrf", f.csrf), ("version", f.version)])
        #expect(retried.status == 303, "\(retried.body.prefix(400))")
        #expect(try RecordStore(path: site.db).documentDetail("fail-1").summary.isMerged)
        #expect(try lastAudit(site.db, "fail-1")?.actor == "alice")

        // The audit page shows who did what; the chain is intact.
        let audit = try alice.get("/audit/?actor=alice")
        #expect(audit.status == 200 && audit.body.contains("mark_correct") && audit.body.contains("rollback") && audit.body.contains("correct"))
        #expect(!audit.body.contains(">pipeline<"), "filtered to alice")
        #expect(try RecordStore(path: site.db).verifyAudit().problem == nil)
        #expect(serve.stop() == 0)
    }

    /// The runner merges (and is killed and restarted) while two stewards act: both go on,
    /// nothing errs, nothing is lost.
    @Test(.timeLimit(.minutes(4)))
    func runnerMergesWhileStewardsAct() throws {
        let site = try ConsoleSite(documents: (0..<6).map { ConsoleSite.flagged("s-\($0)", mrn: "MRN-\($0 % 2)") })
        let config = try testConfig(in: site.dir)
        var runner = try RunnerProcess(watch: site.inbox, db: site.db, config: config)
        let serve = try ServeProcess(db: site.db, dir: site.dir)
        let stewards = [serve.client(), serve.client()]
        #expect(try stewards[0].login("alice", ConsoleSite.password).status == 303)
        #expect(try stewards[1].login("bob", ConsoleSite.password).status == 303)
        var errors: [String] = []
        for round in 0..<6 {
            for i in 0..<5 {
                var doc = ConsoleSite.flagged("r\(round)-\(i)", mrn: "MRN-\(i % 2)")
                doc.confidence = i == 0 ? 0.5 : 0.97
                try drop(doc.bytes, name: "r\(round)-\(i).json", into: site.inbox)
            }
            if round == 3 {
                runner.kill9()
                _ = runner.wait()
                runner = try RunnerProcess(watch: site.inbox, db: site.db, config: config)
            }
            let steward = stewards[round % 2]
            let page = try steward.get("/documents/s-\(round)/verify/")
            guard page.status == 200, let csrf = ConsoleClient.field("csrf", in: page.body),
                  let version = ConsoleClient.field("version", in: page.body) else { errors.append("page s-\(round): \(page.status)"); continue }
            let acted = try steward.post("/documents/s-\(round)/mark-correct/", [("csrf", csrf), ("version", version)])
            if acted.status != 303 { errors.append("mark s-\(round): \(acted.status) \(acted.body.prefix(300))") }
            for path in ["/", "/documents/flagged/", "/audit/"] {
                let r = try steward.get(path)
                if r.status != 200 { errors.append("\(path): \(r.status)") }
            }
        }
        #expect(errors.isEmpty, "\(errors)")
        #expect(eventually(60) { waiting(in: site.inbox).isEmpty && files(in: site.inbox + "/processed").count == 36 })
        runner.terminate()
        #expect(runner.wait().status == 0)
        let store = try RecordStore(path: site.db)
        #expect(try store.documentCount() == 36)
        for round in 0..<6 {
            #expect(try store.auditRows(documentID: "s-\(round)").last?.actor == (round % 2 == 0 ? "alice" : "bob"))
        }
        #expect(try store.verifyAudit().problem == nil)
        #expect(try serve.client().get("/healthz").status == 200, "the console survived the runner's restart")
        #expect(serve.stop() == 0)
    }
}
