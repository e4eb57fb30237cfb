import DocmergeCore
import DocmergeModel
import DocmergePipeline
import DocmergeTestSupport
import Foundation
import Testing

@Suite(.serialized) struct CommandLineTests {
    /// A database with 3 flagged and 2 auto-approved documents, merged by a real runner.
    struct Populated {
        let dir: TemporaryDirectory
        let inbox: String
        let db: String
    }

    func populated() throws -> Populated {
        let dir = TemporaryDirectory("docmerge-cli")
        let (inbox, db) = try dir.site()
        for i in 0..<5 {
            var doc = DocumentBuilder.clinical(id: "doc-\(i)", mrn: "MRN-\(i % 2)")
            if i < 3 { doc.confidence = 0.5 }
            try drop(doc.bytes, name: "doc-\(i).json", into: inbox)
        }
        let run = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once"])
        #expect(run.status == 0, "\(run.stderr)")
        return Populated(dir: dir, inbox: inbox, db: db)
    }

    static let commands: [[String]] = [
        ["run"], ["demo"], ["patients", "import"], ["bundle"], ["history"], ["review", "list"], ["review", "show"],
        ["review", "mark-correct"], ["review", "correct"], ["review", "rollback"], ["review", "retry"],
        ["review", "conflict"], ["review", "refile"], ["metrics"],
        ["tune"], ["dashboard"], ["backup"], ["audit", "verify"], ["audit", "list"], ["legacy", "import"], ["config", "check"], [],
    ]

    @Test(arguments: commands)
    func everyCommandHasHelp(_ command: [String]) throws {
        let result = try DocmergeBinary.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Usage"))
    }

    @Test func usageErrorsNotFoundAndConflictsHaveTheirExitCodes() throws {
        let env = try populated()
        defer { withExtendedLifetime(env) {} }
        let db = env.db
        let unknown = try DocmergeBinary.run(["frobnicate"])
        #expect(unknown.status == 2 && unknown.stderr.split(separator: "\n").count == 1)
        #expect(try DocmergeBinary.run(["review", "list", "--db", db, "--bogus"]).status == 2)
        #expect(try DocmergeBinary.run(["review", "list", "--db", db, "--conflicts", "--sample"]).status == 2, "two different lists")
        #expect(try DocmergeBinary.run(["run", "--watch", env.inbox, "--db", db, "--once", "--quiet", "--verbose"]).status == 2)
        let misspelt = try DocmergeBinary.run(["audit", "list", "--db", db, "--action", "merge,rolback"])
        #expect(misspelt.status == 2 && misspelt.stderr.contains("--action rolback is not an audit action"), "\(misspelt.stderr)")
        #expect(try DocmergeBinary.run(["audit", "list", "--db", db, "--action", "conflict_dismiss"]).status == 0,
                "an action nobody took yet is an empty answer, not an error")
        #expect(try DocmergeBinary.run(["review", "mark-correct", "doc-0", "--reviewer", " ", "--db", db]).status == 2, "--reviewer needs a name")
        #expect(try DocmergeBinary.run(["review", "show", "nope", "--db", db]).status == 3)
        #expect(try DocmergeBinary.run(["bundle", "MRN-NOPE", "--db", db]).status == 3)
        #expect(try DocmergeBinary.run(["metrics", "--db", db + ".missing"]).status == 3)
        #expect(try DocmergeBinary.run(["review", "rollback", "doc-0", "--reviewer", "a", "--db", db]).status == 0)
        let again = try DocmergeBinary.run(["review", "rollback", "doc-0", "--reviewer", "a", "--db", db])
        #expect(again.status == 4 && again.stderr.contains("nothing merged"))
        #expect(try DocmergeBinary.run(["review", "mark-correct", "doc-0", "--reviewer", "a", "--db", db]).status == 4)
        // DOCMERGE_DB stands in for --db.
        #expect(try DocmergeBinary.run(["review", "list", "--json"], environment: ["DOCMERGE_DB": db]).status == 0)
    }

    @Test func aFileThatIsNotADatabaseStopsTheRunnerWithOneSentence() throws {
        let dir = TemporaryDirectory("docmerge-notadb")
        let (inbox, db) = try dir.site()
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: db))
        try drop(DocumentBuilder.clinical(id: "d", mrn: "M").bytes, name: "d.json", into: inbox)
        let result = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Cannot open the database") && result.stderr.contains("not a database"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(waiting(in: inbox) == ["d.json"], "nothing lost")
    }

    @Test func reviewListAndShowJSONShapes() throws {
        let env = try populated()
        defer { withExtendedLifetime(env) {} }
        let db = env.db
        let list = try DocmergeBinary.run(["review", "list", "--db", db, "--json"])
        let items = try #require(try JSONParser.parse(Array(list.stdout.utf8)).arrayValue)
        #expect(items.map { $0["document_id"]?.stringValue } == ["doc-0", "doc-1", "doc-2"])
        for item in items {
            for key in ["document_id", "document_name", "mrn", "flag_reason", "created_at", "age_days", "overdue"] {
                #expect(item[key] != nil, "review list item lacks \(key)")
            }
            #expect(item["overdue"] == .bool(false))
        }
        let show = try JSONParser.parse(Array(try DocmergeBinary.run(["review", "show", "doc-1", "--db", db, "--json"]).stdout.utf8))
        for key in ["document_id", "mrn", "review_status", "version", "flag_reason", "is_merged", "entries"] {
            #expect(show[key] != nil, "review show lacks \(key)")
        }
        #expect(show["version"] == .number("1") && show["is_merged"] == .bool(true))
        #expect(show["entries"]?.arrayValue?.count == 5)
        #expect(show["entries"]?[0]?["merged_as"]?.stringValue?.hasPrefix("Condition/") == true)
        let filtered = try DocmergeBinary.run(["review", "list", "--db", db, "--json", "--mrn", "MRN-1"])
        #expect(try JSONParser.parse(Array(filtered.stdout.utf8)).arrayValue?.count == 1)
    }

    @Test func actionsThroughTheCommandLine() throws {
        let env = try populated()
        defer { withExtendedLifetime(env) {} }
        let (dir, db) = (env.dir, env.db)
        // --expect-version: stale → 4, current → 0.
        #expect(try DocmergeBinary.run(["review", "mark-correct", "doc-1", "--reviewer", "ann", "--expect-version", "5", "--db", db]).status == 4)
        #expect(try DocmergeBinary.run(["review", "mark-correct", "doc-1", "--reviewer", "ann", "--expect-version", "1", "--db", db]).status == 0)
        // A bad entries file changes nothing.
        let bad = dir.file("bad.json")
        try Data(#"[{"resource":{"id":"x"}}]"#.utf8).write(to: URL(fileURLWithPath: bad))
        let store = try RecordStore(path: db)
        let before = try store.resourceBodies(mrn: "MRN-0").map(\.body)
        let refused = try DocmergeBinary.run(["review", "correct", "doc-2", "--entries", bad, "--reviewer", "ann", "--db", db])
        #expect(refused.status == 1 && refused.stderr.contains("resourceType"))
        #expect(try store.resourceBodies(mrn: "MRN-0").map(\.body) == before)
        // A good one (object with an entries array) replaces the contribution.
        let good = dir.file("good.json")
        try Data(DocumentBuilder.condition(id: "c0", code: "1", display: "fixed").bytes).write(to: URL(fileURLWithPath: dir.file("one.json")))
        try Data(#"{"entries":[\#(DocumentBuilder.condition(id: "c0", code: "1", display: "fixed").text)]}"#.utf8).write(to: URL(fileURLWithPath: good))
        let corrected = try DocmergeBinary.run(["review", "correct", "doc-2", "--entries", good, "--reviewer", "ann", "--db", db])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        #expect(try store.mergedResources(documentID: "doc-2").count == 1)
        let rollback = try DocmergeBinary.run(["review", "rollback", "doc-3", "--reviewer", "ann", "--reason", "wrong chart", "--db", db])
        #expect(rollback.stdout.contains("5 resources removed"))
        let history = try DocmergeBinary.run(["history", "MRN-1", "--db", db, "--json"])
        #expect(history.stdout.contains("\"actor\":\"ann\"") && history.stdout.contains("wrong chart"))
        #expect(try DocmergeBinary.run(["audit", "verify", "--db", db]).status == 0)
    }

    /// A steward's actions racing the runner on the same patient, as separate processes:
    /// neither loses the other's change.
    @Test(.timeLimit(.minutes(2)))
    func reviewActionsRaceTheRunnerWithoutLosingAnything() async throws {
        let dir = TemporaryDirectory("docmerge-race")
        let (inbox, db) = try dir.site()
        for i in 0..<20 { try drop(DocumentBuilder.clinical(id: "early-\(i)", mrn: "MRN-RACE").bytes, name: "early-\(i).json", into: inbox) }
        #expect(try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--quiet"]).status == 0)
        let runner = try RunnerProcess(watch: inbox, db: db, config: try testConfig(in: dir), extra: ["--quiet"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<150 {
                    try drop(DocumentBuilder.clinical(id: "late-\(i)", mrn: "MRN-RACE").bytes, name: "late-\(i).json", into: inbox)
                }
            }
            group.addTask {
                for i in 0..<20 {
                    let action = i % 2 == 0 ? ["review", "rollback", "early-\(i)", "--reviewer", "r", "--db", db]
                                            : ["review", "mark-correct", "early-\(i)", "--reviewer", "r", "--db", db]
                    let result = try DocmergeBinary.run(action)
                    #expect(result.status == 0, "\(result.stderr)")
                }
            }
            try await group.waitForAll()
        }
        let stopped = runner.stopOnceDrained(inbox)
        #expect(stopped.drained && stopped.status == 0, "\(stopped.stderr)")
        let store = try RecordStore(path: db)
        #expect(try store.documentStates().filter { $0.documentID.hasPrefix("late-") && $0.isMerged }.count == 150)
        #expect(try store.resourceCount() == (150 + 10) * 5)
        #expect(try store.statusCounts()[.rejected] == 10)
        #expect(try store.statusCounts()[.reviewed] == 10)
        let merges = try store.auditRows(mrn: "MRN-RACE").compactMap { row -> Int? in
            (try? JSONParser.parse(Array(row.detail.utf8)))?["record_version"]?.numberValue.map(Int.init)
        }
        #expect(merges == merges.sorted(), "record versions move forward in audit order")
        #expect(try store.verifyAudit().problem == nil)
    }

    /// People win through the real runner: a re-ingest after a decision is listed as a conflict.
    @Test func reIngestAfterADecisionIsListedAsAConflict() throws {
        let env = try populated()
        defer { withExtendedLifetime(env) {} }
        let (inbox, db) = (env.inbox, env.db)
        #expect(try DocmergeBinary.run(["review", "rollback", "doc-0", "--reviewer", "a", "--db", db]).status == 0)
        var newer = DocumentBuilder.clinical(id: "doc-0", mrn: "MRN-0", conditions: 7)
        newer.extractedAt = "2026-12-24T00:00:00Z"
        try drop(newer.bytes, name: "doc-0-again.json", into: inbox)
        let run = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once"])
        #expect(run.stderr.contains("conflict"))
        let conflicts = try JSONParser.parse(Array(try DocmergeBinary.run(["review", "list", "--conflicts", "--json", "--db", db]).stdout.utf8))
        #expect(conflicts.arrayValue?.map { $0["document_id"]?.stringValue } == ["doc-0"])
        #expect(try RecordStore(path: db).mergedResources(documentID: "doc-0").count == 0)
    }

    @Test(.timeLimit(.minutes(2)))
    func backupDuringAMergeLoadVerifies() async throws {
        let dir = TemporaryDirectory("docmerge-backup")
        let (inbox, db) = try dir.site()
        let runner = try RunnerProcess(watch: inbox, db: db, config: try testConfig(in: dir), extra: ["--quiet"])
        for i in 0..<400 { try drop(DocumentBuilder.clinical(id: "b\(i)", mrn: "MRN-\(i % 9)").bytes, name: "b\(i).json", into: inbox) }
        #expect(eventually { files(in: inbox + "/processed").count > 20 })
        let copy = dir.file("copy.sqlite")
        let backup = try DocmergeBinary.run(["backup", "--db", db, "--out", copy])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(try DocmergeBinary.run(["audit", "verify", "--db", copy]).status == 0)
        let copied = try RecordStore(path: copy)
        #expect((try copied.documentCount()) > 0)
        #expect(try sqlite3Tool(copied.path, "PRAGMA integrity_check;").output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        #expect(try DocmergeBinary.run(["backup", "--db", db, "--out", copy]).status == 4, "never overwrites")
        #expect(eventually { waiting(in: inbox).isEmpty })
        runner.terminate()
        _ = runner.wait()
    }

    @Test func metricsAndDashboardFromTheCommandLine() throws {
        let env = try populated()
        defer { withExtendedLifetime(env) {} }
        let (dir, db) = (env.dir, env.db)
        let metrics = try JSONParser.parse(Array(try DocmergeBinary.run(["metrics", "--db", db, "--format", "json"]).stdout.utf8))
        #expect(metrics["documents_total"] == .number("5"))
        #expect(metrics["flag_rate"] == .number("0.6"))
        let prometheus = try DocmergeBinary.run(["metrics", "--db", db, "--format", "prometheus"]).stdout
        #expect(prometheus.contains("# TYPE docmerge_merge_latency_ms histogram"))
        let html = dir.file("dash.html")
        #expect(try DocmergeBinary.run(["dashboard", "--db", db, "--out", html]).status == 0)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("id=\"flagged-count\">3<"))
        #expect(!page.contains("<script") && !page.contains("http://") && !page.contains("https://"))
        // The runner's own metrics files, beside the database.
        #expect(FileManager.default.fileExists(atPath: dir.file("metrics.prom")))
        #expect(FileManager.default.fileExists(atPath: dir.file("metrics.json")))
        let tune = try DocmergeBinary.run(["tune", "--db", db, "--json"])
        #expect(tune.status == 0 && tune.stdout.contains("\"enough_evidence\":false"))
    }

    @Test(.timeLimit(.minutes(1)))
    func theDemoRunsAndSummarises() throws {
        let dir = TemporaryDirectory("docmerge-demo")
        let demo = try DocmergeBinary.run(["demo", "--dir", dir.file("demo")])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("status: auto_approved 5, flagged 6"), "merges: demo-doc-0002 is merged twice")
        #expect(demo.stdout.contains("documents: 10 (auto_approved 4, flagged 6)"), "distinct documents, as the metrics count them")
        #expect(demo.stdout.contains("flag rate 60%, auto-approval rate 40% of documents"))
        #expect(demo.stdout.contains("1 unchanged replays"))
        #expect(demo.stdout.contains("1 rejected"))
        #expect(demo.stdout.contains("docmerge bundle MRN-001234"))
        #expect(!demo.stdout.contains("demo-doc-0009"), "a name written differently must not flag")
        #expect(!demo.stdout.contains("demo-doc-0002  "), "an accent must not flag")
    }
}
