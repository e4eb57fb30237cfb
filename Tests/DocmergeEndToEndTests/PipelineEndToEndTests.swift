import DocmergeCore
import DocmergeModel
import DocmergePipeline
import DocmergeTestSupport
import Foundation
import Testing

@Suite(.serialized) struct PipelineEndToEndTests {
    /// 200 documents for one patient from 8 concurrent writers, the same file dropped
    /// twice at once, one document id under two file names, and a re-extraction: the
    /// record holds each document's resources exactly once.
    @Test(.timeLimit(.minutes(3)))
    func concurrentDropsIntoARealRunner() async throws {
        let dir = TemporaryDirectory("docmerge-e2e")
        let (inbox, db) = try dir.site()
        let runner = try RunnerProcess(watch: inbox, db: db, config: try testConfig(in: dir), extra: ["--quiet"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for i in 0..<25 {
                        let doc = DocumentBuilder.clinical(id: "w\(writer)-\(i)", mrn: "MRN-ONE", conditions: 1 + i % 4, medications: i % 3)
                        try drop(doc.bytes, name: "w\(writer)-\(i).json", into: inbox)
                    }
                }
            }
            let twice = DocumentBuilder.clinical(id: "twice", mrn: "MRN-ONE").bytes
            group.addTask { try drop(twice, name: "twice-a.json", into: inbox) }
            group.addTask { try drop(twice, name: "twice-b.json", into: inbox) }
            let sameID = DocumentBuilder.clinical(id: "same-id", mrn: "MRN-ONE", conditions: 2, medications: 0).bytes
            group.addTask { try drop(sameID, name: "upload-1.json", into: inbox) }
            group.addTask { try drop(sameID, name: "upload-2.json", into: inbox) }
            try await group.waitForAll()
        }
        var first = DocumentBuilder.clinical(id: "reextracted", mrn: "MRN-ONE", conditions: 4, medications: 0)
        first.extractedAt = "2026-11-28T10:00:00Z"
        try drop(first.bytes, name: "re-1.json", into: inbox)
        #expect(eventually { waiting(in: inbox).isEmpty })
        var second = DocumentBuilder.clinical(id: "reextracted", mrn: "MRN-ONE", conditions: 2, medications: 1)
        second.extractedAt = "2026-11-28T11:00:00Z"
        try drop(second.bytes, name: "re-2.json", into: inbox)
        #expect(eventually { waiting(in: inbox).isEmpty && files(in: inbox + "/processed").count == 206 })
        runner.terminate()
        let exit = runner.wait()
        #expect(exit.status == 0, "\(exit.stderr)")

        let store = try RecordStore(path: db)
        var expected = 0
        for i in 0..<25 { expected += 8 * ((1 + i % 4) + (i % 3)) }
        expected += 5 + 2 + 3   // twice, same-id, the re-extraction's latest
        #expect(try store.resourceCount() == expected)
        #expect(try store.documentCount() == 203)
        #expect(try store.mergedResources(documentID: "reextracted").count == 3)
        let bundle = try JSONParser.parse(try store.bundle(mrn: "MRN-ONE"))
        let ids = (bundle["entry"]?.arrayValue ?? []).filter { entry in
            !(entry["resource"]?["meta"]?["tag"]?.arrayValue ?? []).contains { $0["code"]?.stringValue == "generated" }
        }.compactMap { $0["resource"]?["id"]?.stringValue }
        #expect(ids.count == expected + 1 && Set(ids).count == ids.count)
        #expect(try store.verifyAudit().problem == nil)
        let lines = try String(contentsOfFile: dir.file("audit.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == (try store.auditRows(after: 0, limit: Int.max).count))
    }

    /// Every refusal case of the ingest spec: the file moves to rejected/ unchanged, the
    /// error file says what and where, the runner keeps going, nothing of it is merged.
    @Test(.timeLimit(.minutes(2)))
    func everyRefusalCase() throws {
        let dir = TemporaryDirectory("docmerge-refuse")
        let (inbox, db) = try dir.site()
        let good = DocumentBuilder.clinical(id: "taken", mrn: "MRN-A").json.text
        func variant(_ find: String, _ replace: String) -> [UInt8] { Array(good.replacingOccurrences(of: find, with: replace).utf8) }
        var deep = DocumentBuilder(id: "deep", mrn: "MRN-A")
        var nested = JSON.string("x")
        for _ in 0..<70 { nested = .array([nested]) }
        deep.entries = [.object([JSONMember("resource", .object([JSONMember("resourceType", .string("Basic")), JSONMember("x", nested)]))])]
        let cases: [(String, [UInt8], String)] = [
            ("not-json.json", Array("{\"schema\": ".utf8), "$"),
            ("not-utf8.json", [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D], "$"),
            ("too-deep.json", deep.bytes, "$"),
            ("too-big.json", Array(good.replacingOccurrences(of: "\"schema\"", with: "\"pad\":\"\(String(repeating: "x", count: 3000))\",\"schema\"").utf8), "$"),
            ("no-doc-id.json", variant("\"id\":\"taken\",", ""), "$.document.id"),
            ("bad-doc-id.json", variant("\"id\":\"taken\"", "\"id\":\"a b\""), "$.document.id"),
            ("no-mrn.json", variant("\"mrn\":\"MRN-A\",", ""), "$.patient.mrn"),
            ("confidence-high.json", variant("\"confidence\":0.97", "\"confidence\":1.3"), "$.extraction.confidence"),
            ("confidence-negative.json", variant("\"confidence\":0.97", "\"confidence\":-1"), "$.extraction.confidence"),
            ("confidence-string.json", variant("\"confidence\":0.97", "\"confidence\":\"NaN\""), "$.extraction.confidence"),
            ("no-model.json", variant("\"model\":\"claude-3-5-sonnet\",", ""), "$.extraction.model"),
            ("fallback-type.json", variant("\"fallback_used\":false", "\"fallback_used\":0"), "$.extraction.fallback_used"),
            ("no-entries.json", Array(good.components(separatedBy: ",\"entries\"")[0].utf8) + Array("}".utf8), "$.entries"),
            ("no-resource-type.json", variant("\"resourceType\":\"Condition\",", ""), "$.entries[0].resource.resourceType"),
            ("duplicate-entry.json", variant("\"id\":\"c1\"", "\"id\":\"c0\""), "$.entries[1].resource.id"),
            ("schema-v2.json", variant("docmerge.extraction/v1", "docmerge.extraction/v2"), "$.schema"),
            ("other-patient.json", Array(DocumentBuilder.clinical(id: "taken", mrn: "MRN-B").json.text.utf8), "$.patient.mrn"),
        ]
        // The first document claims the id "taken" for MRN-A.
        try drop(Array(good.utf8), name: "00-good.json", into: inbox)
        let config = try testConfig(in: dir, ["max_file_bytes": 3000])
        #expect(try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--config", config, "--once"]).status == 0)
        let runner = try RunnerProcess(watch: inbox, db: db, config: config)
        for (name, bytes, _) in cases { try drop(bytes, name: name, into: inbox) }
        #expect(eventually { waiting(in: inbox).isEmpty })
        // Still running: a good file after all that is merged.
        try drop(DocumentBuilder.clinical(id: "after", mrn: "MRN-A").bytes, name: "zz-after.json", into: inbox)
        #expect(eventually { files(in: inbox + "/processed").contains("zz-after.json") })
        #expect(runner.isRunning)
        runner.terminate()
        _ = runner.wait()
        for (name, bytes, path) in cases {
            let moved = try Data(contentsOf: URL(fileURLWithPath: inbox + "/rejected/" + name))
            #expect(Array(moved) == bytes, "\(name) must be moved byte for byte")
            let error = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: inbox + "/rejected/" + Inbox.errorFileName(for: name)))))
            #expect(error["path"]?.stringValue == path, "\(name): \(error.text)")
            #expect((error["error"]?.stringValue ?? "").count > 10)
        }
        let store = try RecordStore(path: db)
        #expect(try store.documentCount() == 2)
        #expect(try store.resourceCount() == 10)
        #expect(try store.patient(mrn: "MRN-B") == nil)
    }

    /// A file keeps its name when it moves; a clash gets a suffix, never an overwrite.
    @Test func nameClashesGetASuffixNeverAnOverwrite() throws {
        let dir = TemporaryDirectory("docmerge-clash")
        let (inbox, db) = try dir.site()
        for round in 0..<3 {
            try drop(DocumentBuilder.clinical(id: "round-\(round)", mrn: "M").bytes, name: "scan.json", into: inbox)
            try drop(Array("{ broken \(round)".utf8), name: "bad.json", into: inbox)
            #expect(try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--quiet"]).status == 0)
        }
        #expect(files(in: inbox + "/processed") == ["scan-1.json", "scan-2.json", "scan.json"])
        #expect(files(in: inbox + "/rejected") == ["bad-1.error.json", "bad-1.json", "bad-2.error.json", "bad-2.json", "bad.error.json", "bad.json"])
        let kept = try String(contentsOfFile: inbox + "/rejected/bad-2.json", encoding: .utf8)
        #expect(kept == "{ broken 2", "each refused file kept byte for byte under its own name")
        #expect(try RecordStore(path: db).documentCount() == 3)
    }

    /// A database path in a folder that does not exist is a plain failure (exit 1), not
    /// the lock conflict (exit 4) that tells a service manager not to restart.
    @Test func aDatabaseInAMissingFolderIsAFailureNotAConflict() throws {
        let dir = TemporaryDirectory("docmerge-nodir")
        let (inbox, _) = try dir.site()
        let missing = dir.file("no-such-folder/records.sqlite")
        let result = try DocmergeBinary.run(["run", "--watch", inbox, "--db", missing, "--once"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("The folder of the database \(missing) does not exist"), "\(result.stderr)")
        #expect(files(in: inbox).isEmpty, "nothing created in the watch directory")
    }

    @Test(.timeLimit(.minutes(1)))
    func aSecondRunnerIsRefusedAndSIGTERMDrains() throws {
        let dir = TemporaryDirectory("docmerge-lock")
        let (inbox, db) = try dir.site()
        let config = try testConfig(in: dir)
        let runner = try RunnerProcess(watch: inbox, db: db, config: config)
        try drop(DocumentBuilder.clinical(id: "d0", mrn: "M").bytes, name: "d0.json", into: inbox)
        #expect(eventually { files(in: inbox + "/processed").count == 1 })
        let second = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once"])
        #expect(second.status == 4)
        #expect(second.stderr.contains("Another docmerge runner"))
        let otherDir = dir.file("other")
        try FileManager.default.createDirectory(atPath: otherDir, withIntermediateDirectories: true)
        #expect(try DocmergeBinary.run(["run", "--watch", otherDir, "--db", db, "--once"]).status == 4, "same database, other directory")
        #expect(files(in: otherDir).isEmpty, "a refused runner creates no processed/ or rejected/ folder")
        let otherDB = dir.file("other.sqlite")
        #expect(try DocmergeBinary.run(["run", "--watch", inbox, "--db", otherDB, "--once"]).status == 4, "same directory, other database")
        #expect(!FileManager.default.fileExists(atPath: otherDB + ".lock") && !FileManager.default.fileExists(atPath: otherDB),
                "a runner refused at the directory's lock leaves nothing beside a database it never opened")
        for i in 1...100 { try drop(DocumentBuilder.clinical(id: "d\(i)", mrn: "M").bytes, name: "d\(i).json", into: inbox) }
        runner.terminate()
        let exit = runner.wait()
        #expect(exit.status == 0, "\(exit.stderr)")
        // Nothing half-done: every file is either processed (and merged) or still waiting.
        let store = try RecordStore(path: db)
        let processed = files(in: inbox + "/processed")
        let merged = try store.documentCount()
        #expect(processed.count == merged)
        #expect(processed.count + waiting(in: inbox).count == 101)
        #expect(try store.verifyAudit().problem == nil)
    }
}
