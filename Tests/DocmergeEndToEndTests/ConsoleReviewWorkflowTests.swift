import DocmergeCore
import DocmergeModel
import DocmergeStressKit
import DocmergeTestSupport
import Foundation
import Testing

/// The review workflow's actions in the console, against a real `docmerge serve`.
@Suite(.serialized) struct ConsoleReviewWorkflowTests {
    func lastAudit(_ db: String, _ doc: String) throws -> AuditRow? {
        try RecordStore(path: db).auditRows(documentID: doc).last
    }

    /// The review workflow's actions: accept and dismiss a re-ingest conflict, refile to
    /// another patient; each audited under the steward.
    @Test(.timeLimit(.minutes(3)))
    func conflictsAndRefileAreAuditedUnderTheSteward() throws {
        let site = try ConsoleSite(documents: [ConsoleSite.flagged("c-1"), ConsoleSite.flagged("c-2"), ConsoleSite.flagged("m-1"),
                                               DocumentBuilder.clinical(id: "other", mrn: "MRN-2")])
        let serve = try ServeProcess(db: site.db, dir: site.dir)
        let alice = serve.client()
        #expect(try alice.login("alice", ConsoleSite.password).status == 303)
        func form(_ doc: String) throws -> (csrf: String, version: String, body: String) {
            let page = try alice.get("/documents/\(doc)/verify/")
            return (try #require(ConsoleClient.field("csrf", in: page.body)), try #require(ConsoleClient.field("version", in: page.body)), page.body)
        }
        // A person decides on c-1 and c-2; then both are re-extracted: people win, conflicts open.
        for doc in ["c-1", "c-2"] {
            let f = try form(doc)
            #expect(try alice.post("/documents/\(doc)/mark-correct/", [("csrf", f.csrf), ("version", f.version)]).status == 303)
            var again = DocumentBuilder.clinical(id: doc, mrn: "MRN-1", conditions: 4)
            again.extractedAt = "2026-11-29T10:00:00Z"
            try drop(again.bytes, name: "\(doc)-again.json", into: site.inbox)
        }
        _ = try DocmergeBinary.run(["run", "--watch", site.inbox, "--db", site.db, "--once", "--quiet"])
        let conflicts = try alice.get("/documents/conflicts/")
        #expect(conflicts.body.contains("/documents/c-1/verify/") && conflicts.body.contains("/documents/c-2/verify/"))

        var f = try form("c-1")
        #expect(f.body.contains(">Accept the new extraction</button>") && f.body.contains(">Dismiss the new extraction</button>"))
        #expect(!f.body.contains(">Refile</button>"), "refile waits until the conflict is resolved")
        let accepted = try alice.post("/documents/c-1/conflict-accept/", [("csrf", f.csrf), ("version", f.version), ("reason", "newer scan is right")])
        #expect(accepted.status == 303, "\(accepted.body.prefix(300))")
        #expect(try lastAudit(site.db, "c-1")?.action == "conflict_accept" && lastAudit(site.db, "c-1")?.actor == "alice")

        f = try form("c-2")
        #expect(try alice.post("/documents/c-2/conflict-dismiss/", [("csrf", f.csrf), ("version", f.version)]).status == 422, "a dismissal needs a reason")
        #expect(try alice.post("/documents/c-2/conflict-dismiss/", [("csrf", f.csrf), ("version", f.version), ("reason", "old fax")]).status == 303)
        #expect(try lastAudit(site.db, "c-2")?.action == "conflict_dismiss" && lastAudit(site.db, "c-2")?.actor == "alice")
        #expect(try !alice.get("/documents/conflicts/").body.contains("/verify/"), "the conflict queue is empty")

        f = try form("m-1")
        #expect(f.body.contains(">Refile</button>"))
        let refiled = try alice.post("/documents/m-1/refile/", [("csrf", f.csrf), ("version", f.version), ("mrn", "MRN-2"), ("reason", "uploaded to the wrong chart")])
        #expect(refiled.status == 303, "\(refiled.body.prefix(300))")
        let rows = try RecordStore(path: site.db).auditRows(documentID: "m-1").suffix(2)
        #expect(rows.map(\.action) == ["refile_out", "refile_in"] && rows.allSatisfy { $0.actor == "alice" })
        #expect(try RecordStore(path: site.db).documentDetail("m-1").summary.mrn == "MRN-2")
        let audit = try alice.get("/audit/?action=refile_in")
        #expect(audit.body.contains("m-1") && !audit.body.contains("conflict_accept"))
        #expect(try alice.get("/audit/?since=yesterday").status == 400)
        #expect(serve.stop() == 0)
    }
}
