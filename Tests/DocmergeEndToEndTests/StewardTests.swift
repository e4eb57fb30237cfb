#if canImport(Glibc)
import Glibc
#endif
import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// The steward's side through the real binary: who reviewed is known, a steward without
/// write access gets one sentence, the Runbook's group set-up works, the new actions run.
@Suite(.serialized) struct StewardTests {
    static let canSwitchUser = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

    /// A merged site: doc-0…doc-2 flagged (MRN-0, MRN-1), MRN-2 in the registry with nothing.
    func site() throws -> (dir: TemporaryDirectory, inbox: String, db: String) {
        let dir = TemporaryDirectory("docmerge-steward")
        let (inbox, db) = try dir.site()
        try Data("mrn,given,family,birth_date\nMRN-2,Ana,Lima,1970-01-02\n".utf8).write(to: URL(fileURLWithPath: dir.file("reg.csv")))
        #expect(try DocmergeBinary.run(["patients", "import", dir.file("reg.csv"), "--db", db]).status == 0)
        for i in 0..<3 {
            var doc = DocumentBuilder.clinical(id: "doc-\(i)", mrn: "MRN-\(i % 2)")
            doc.confidence = 0.5
            try drop(doc.bytes, name: "doc-\(i).json", into: inbox)
        }
        #expect(try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--quiet"]).status == 0)
        return (dir, inbox, db)
    }

    /// Runs the binary as another, real user (uid/gid 65534, "nobody"), with `groups`.
    static func runAs(groups: [gid_t], _ args: [String]) throws -> DocmergeBinary.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        let groupArgs = groups.isEmpty ? ["--clear-groups"] : ["--groups", groups.map(String.init).joined(separator: ",")]
        process.arguments = ["--reuid", "65534", "--regid", "65534"] + groupArgs + [DocmergeBinary.path] + args
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = ReadAll(out.fileHandleForReading), e = ReadAll(err.fileHandleForReading)
        process.waitUntilExit()
        return .init(status: process.terminationStatus, stdout: String(decoding: o.wait(), as: UTF8.self),
                     stderr: String(decoding: e.wait(), as: UTF8.self))
    }

    static func chmod(_ path: String, _ mode: mode_t, group: gid_t? = nil) {
        if let group { _ = chown(path, 0, group) }
        _ = Glibc.chmod(path, mode)
    }

    @Test(.enabled(if: canSwitchUser), .timeLimit(.minutes(1)))
    func aStewardWithoutWriteAccessGetsOneSentenceAndTheGroupSetUpWorks() throws {
        let (dir, _, db) = try site()
        let before = try RecordStore(path: db).auditRows(after: 0, limit: Int.max).count
        // Readable, not writable, by another user.
        Self.chmod(dir.path, 0o755)
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) { Self.chmod(dir.file(f), 0o644) }
        let refused = try Self.runAs(groups: [], ["review", "mark-correct", "doc-0", "--db", db])
        #expect(refused.status == 4)
        #expect(refused.stderr == "You cannot write \(db); run as the docmerge user or join its group.\n")
        #expect(try RecordStore(path: db).auditRows(after: 0, limit: Int.max).count == before, "nothing written")
        // The Runbook's set-up: the stewards' group owns the directory (setgid) and files, group-writable.
        let group: gid_t = 100
        Self.chmod(dir.path, 0o2770, group: group)
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) { Self.chmod(dir.file(f), 0o660, group: group) }
        let outsider = try Self.runAs(groups: [], ["review", "mark-correct", "doc-0", "--db", db])
        #expect(outsider.status == 4 && outsider.stderr.contains("join its group"))
        let member = try Self.runAs(groups: [group], ["review", "mark-correct", "doc-0", "--reason", "checked", "--db", db])
        #expect(member.status == 0, "\(member.stderr)")
        let row = try #require(try RecordStore(path: db).auditRows(documentID: "doc-0").last)
        #expect(row.action == "mark_correct" && row.actor == "nobody" && row.osUser == "nobody", "--reviewer defaults to the OS user")
        #expect(row.host == OSIdentity.current.host && row.detail.contains("\"reason\":\"checked\""))
    }

    @Test func everyCommandsAuditRowRecordsTheOSUserBesideTheDeclaredReviewer() throws {
        let (dir, _, db) = try site()
        let me = OSIdentity.current
        let entries = dir.file("fixed.json")
        try Data("[\(DocumentBuilder.condition(id: "c0", code: "1", display: "fixed").text)]".utf8).write(to: URL(fileURLWithPath: entries))
        let store = try RecordStore(path: db)
        #expect(try sqlite3Tool(db, "UPDATE documents SET flag_codes = 'merge_failed', is_merged = 0 WHERE document_id = 'doc-2';").status == 0)
        let commands: [([String], String)] = [
            (["review", "mark-correct", "doc-0", "--reviewer", "dr.lee", "--reason", "looks right"], "dr.lee"),
            (["review", "correct", "doc-1", "--entries", entries, "--reason", "typo"], me.user),
            (["review", "retry", "doc-2", "--reviewer", "ops.sam"], "ops.sam"),
            (["review", "refile", "doc-2", "--to", "MRN-2", "--reviewer", "dr.lee", "--reason", "wrong chart"], "dr.lee"),
            (["review", "rollback", "doc-2"], me.user),
        ]
        for (args, actor) in commands {
            let seq = try store.auditRows(after: 0, limit: Int.max).last?.seq ?? 0
            let result = try DocmergeBinary.run(args + ["--db", db])
            #expect(result.status == 0, "\(args): \(result.stderr)")
            let rows = try store.auditRows(after: seq)
            #expect(!rows.isEmpty, "\(args) wrote its audit rows")
            for row in rows {
                #expect(row.actor == actor && row.osUser == me.user && row.host == me.host, "\(args): \(row.actor) \(row.detail)")
            }
        }
        #expect(try store.auditRows(documentID: "doc-0").last?.detail.contains("looks right") == true)
        #expect(try store.auditRows(documentID: "doc-1").last?.detail.contains("typo") == true)
        #expect(try DocmergeBinary.run(["audit", "verify", "--db", db]).status == 0)
    }

    @Test func conflictsRefileAndStatusListsThroughTheCommandLine() throws {
        let (dir, inbox, db) = try site()
        defer { withExtendedLifetime(dir) {} }
        func conflicts() throws -> [String?] {
            try JSONParser.parse(Array(try DocmergeBinary.run(["review", "list", "--conflicts", "--json", "--db", db]).stdout.utf8))
                .arrayValue?.map { $0["document_id"]?.stringValue } ?? []
        }
        func openConflicts() throws -> JSON? {
            try JSONParser.parse(Array(try DocmergeBinary.run(["metrics", "--format", "json", "--db", db]).stdout.utf8))["open_conflicts"]
        }
        #expect(try DocmergeBinary.run(["review", "mark-correct", "doc-0", "--db", db]).status == 0)
        var newer = DocumentBuilder.clinical(id: "doc-0", mrn: "MRN-0", conditions: 4)
        newer.extractedAt = "2026-12-24T00:00:00Z"
        try drop(newer.bytes, name: "doc-0-again.json", into: inbox)
        _ = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--quiet"])
        #expect(try conflicts() == ["doc-0"] && openConflicts() == .number("1"))
        let listed = try DocmergeBinary.run(["review", "list", "--conflicts", "--db", db]).stdout
        #expect(listed.contains("held extraction: 1 added, 0 removed, 0 changed"), "\(listed)")
        let show = try DocmergeBinary.run(["review", "show", "doc-0", "--db", db]).stdout
        #expect(show.contains("Open re-ingest conflict") && show.contains("added Condition/") && show.contains("Condition 3 of doc-0"))
        #expect(try DocmergeBinary.run(["review", "conflict", "dismiss", "doc-0", "--db", db]).status == 2, "--reason is required")
        let accept = try DocmergeBinary.run(["review", "conflict", "accept", "doc-0", "--db", db])
        #expect(accept.status == 0 && accept.stdout.contains("1 added"), "\(accept.stderr)")
        #expect(try conflicts() == [] && openConflicts() == .number("0"))
        #expect(try DocmergeBinary.run(["review", "conflict", "accept", "doc-0", "--db", db]).status == 4)
        let after = try DocmergeBinary.run(["review", "show", "doc-0", "--db", db]).stdout
        #expect(after.contains("In the record now") && after.contains("conflict_accept"))
        #expect(after.contains("Condition/") && after.contains("created: — → Condition 3 of doc-0 (2015)"))
        // Refile, and the lists by status.
        let refile = try DocmergeBinary.run(["review", "refile", "doc-1", "--to", "MRN-2", "--reason", "wrong chart", "--db", db])
        #expect(refile.status == 0 && refile.stdout.contains("moved from MRN-1 to MRN-2"), "\(refile.stderr)")
        #expect(try DocmergeBinary.run(["review", "refile", "doc-1", "--to", "MRN-404", "--reason", "x", "--db", db]).status == 3)
        let history = try DocmergeBinary.run(["history", "MRN-1", "--db", db]).stdout
        #expect(history.contains("refile_out doc-1") && history.contains("moved to MRN-2"))
        let reviewed = try JSONParser.parse(Array(try DocmergeBinary.run(["review", "list", "--status", "reviewed", "--json", "--db", db]).stdout.utf8))
        #expect(reviewed.arrayValue?.map { $0["document_id"]?.stringValue } == ["doc-0"])
        #expect(try DocmergeBinary.run(["review", "list", "--status", "bogus", "--db", db]).status == 2)
    }

    /// Rolled back from one patient, the same document may arrive again for another.
    @Test func aRolledBackDocumentArrivesAgainForAnotherPatientThroughTheRunner() throws {
        let (dir, inbox, db) = try site()
        defer { withExtendedLifetime(dir) {} }
        #expect(try DocmergeBinary.run(["review", "rollback", "doc-1", "--reason", "wrong chart", "--db", db]).status == 0)
        try drop(DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-2").bytes, name: "doc-1-for-mrn-2.json", into: inbox)
        let run = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once"])
        #expect(run.status == 0 && !run.stderr.contains("already merged"), "\(run.stderr)")
        #expect(files(in: inbox + "/processed").contains("doc-1-for-mrn-2.json"))
        let store = try RecordStore(path: db)
        #expect(try store.documentDetail("doc-1").summary.mrn == "MRN-2")
        #expect(try store.resourceBodies(mrn: "MRN-2").count == 5 && store.resourceBodies(mrn: "MRN-1").isEmpty)
    }

    /// The demo's "try next" lines run as printed, through a shell, from another directory.
    @Test(.timeLimit(.minutes(2)))
    func theDemosTryNextLinesRunAsPrinted() throws {
        let dir = TemporaryDirectory("docmerge-trynext")
        let demo = try DocmergeBinary.run(["demo", "--dir", dir.file("demo"), "--quiet"])
        #expect(demo.status == 0)
        let lines = demo.stdout.split(separator: "\n").map(String.init).drop { !$0.hasPrefix("Try next") }.dropFirst()
        #expect(lines.count >= 8)
        for line in lines {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", line.trimmingCharacters(in: .whitespaces) + " > /dev/null"]
            process.currentDirectoryURL = URL(fileURLWithPath: "/")
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "`\(line)` exited \(process.terminationStatus)")
        }
    }
}
