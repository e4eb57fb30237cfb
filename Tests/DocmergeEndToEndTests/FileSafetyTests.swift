#if canImport(Glibc)
import Glibc
#endif
import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// Issue 14, items 3, 4, 12, 13: backups, file modes, runner locks, other programs' databases.
@Suite(.serialized) struct FileSafetyTests {
    func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
    }

    /// A backup killed by SIGKILL in the middle of the copy leaves nothing under the
    /// final name, and the next backup to that name succeeds (and removes the partial).
    @Test(.timeLimit(.minutes(2)))
    func aBackupKilledMidCopyLeavesNothingUnderItsName() throws {
        let dir = TemporaryDirectory("docmerge-backup-kill")
        let (inbox, db) = try dir.site()
        for i in 0..<10 { try drop(DocumentBuilder.clinical(id: "k\(i)", mrn: "MRN-\(i % 2)").bytes, name: "k\(i).json", into: inbox) }
        #expect(try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--quiet"]).status == 0)
        // Some bulk, so the copy takes several steps (256 pages each).
        #expect(try sqlite3Tool(db, "CREATE TABLE ballast(b BLOB); INSERT INTO ballast VALUES (zeroblob(4000000));").status == 0)
        let out = dir.file("nightly.sqlite")
        let killed = try DocmergeBinary.run(["backup", "--db", db, "--out", out], environment: ["DOCMERGE_FAULT_KILL_DURING_BACKUP": "2"])
        #expect(killed.status == SIGKILL, "killed by SIGKILL mid-copy: \(killed.status) \(killed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "nothing under the final name")
        let partials = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasPrefix(".nightly.sqlite.partial-") }
        #expect(!partials.isEmpty, "the killed copy stayed under its temporary name")
        let again = try DocmergeBinary.run(["backup", "--db", db, "--out", out])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try DocmergeBinary.run(["audit", "verify", "--db", out]).status == 0)
        let left = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.contains(".partial-") }
        #expect(left.isEmpty, "abandoned partials removed: \(left)")
    }

    /// Under the usual umask 022, everything that holds patient data is created with no
    /// access for others; `run` warns about an existing database that is wider.
    @Test(.timeLimit(.minutes(2)))
    func filesHoldingPatientDataAreNotWorldReadable() throws {
        let old = umask(0o022)
        defer { umask(old) }
        let dir = TemporaryDirectory("docmerge-modes")
        let (inbox, db) = try dir.site()
        let runner = try RunnerProcess(watch: inbox, db: db, config: try testConfig(in: dir), extra: ["--quiet"])
        try drop(DocumentBuilder.clinical(id: "m1", mrn: "MRN-1").bytes, name: "m1.json", into: inbox)
        try drop(Array("{not json".utf8), name: "bad.json", into: inbox)
        #expect(eventually { files(in: inbox + "/processed").count == 1 && files(in: inbox + "/rejected").count == 2 })
        #expect(eventually { FileManager.default.fileExists(atPath: dir.file("metrics.json")) && FileManager.default.fileExists(atPath: dir.file("audit.jsonl")) })
        var checked: [String] = []
        for path in [db, db + "-wal", db + "-shm", dir.file("audit.jsonl"), dir.file("metrics.json"), dir.file("metrics.prom"),
                     inbox + "/rejected/bad.error.json", db + ".lock"] {
            let m = try #require(mode(path), "\(path) exists")
            #expect(m & 0o007 == 0 && m & ~PrivateFiles.fileMode == 0, "\(path): \(String(m, radix: 8))")
            checked.append(path)
        }
        for folder in [inbox + "/processed", inbox + "/rejected"] {
            let m = try #require(mode(folder))
            #expect(m & 0o007 == 0 && m & ~PrivateFiles.folderMode == 0, "\(folder): \(String(m, radix: 8))")
        }
        runner.terminate()
        #expect(runner.wait().status == 0)
        #expect(try DocmergeBinary.run(["backup", "--db", db, "--out", dir.file("copy.sqlite")]).status == 0)
        #expect(try DocmergeBinary.run(["dashboard", "--db", db, "--out", dir.file("dash.html")]).status == 0)
        for path in [dir.file("copy.sqlite"), dir.file("dash.html")] {
            let m = try #require(mode(path))
            #expect(m & 0o007 == 0, "\(path): \(String(m, radix: 8))")
        }
        #expect(checked.count == 8)
        // An existing database opened wider than that is reported at start.
        chmod(db, 0o644)
        let run = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once"])
        #expect(run.status == 0 && run.stderr.contains("Warning: \(db) has mode 644"), "\(run.stderr)")
    }

    /// Another path to the same database file is the same database.
    @Test(.timeLimit(.minutes(2)), arguments: ["symlink", "hard link"])
    func aSecondRunnerThroughAnotherNameIsRefused(_ kind: String) throws {
        let dir = TemporaryDirectory("docmerge-lock")
        let (inbox, db) = try dir.site()
        #expect(try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--quiet"]).status == 0)
        try FileManager.default.createDirectory(atPath: dir.file("elsewhere/inbox"), withIntermediateDirectories: true)
        let other = dir.file("elsewhere/other.sqlite")
        let first = try RunnerProcess(watch: inbox, db: db, config: try testConfig(in: dir), extra: ["--quiet"])
        try drop(DocumentBuilder.clinical(id: "l1", mrn: "MRN-1").bytes, name: "l1.json", into: inbox)
        #expect(eventually { files(in: inbox + "/processed").count == 1 }, "the first runner holds its locks")
        if kind == "symlink" { #expect(symlink(db, other) == 0) } else { #expect(link(db, other) == 0) }
        let second = try DocmergeBinary.run(["run", "--watch", dir.file("elsewhere/inbox"), "--db", other, "--once"])
        #expect(second.status == 4, "\(second.stderr)")
        #expect(second.stderr.contains("Another docmerge runner"), "\(second.stderr)")
        first.terminate()
        #expect(first.wait().status == 0)
        let later = try DocmergeBinary.run(["run", "--watch", dir.file("elsewhere/inbox"), "--db", other, "--once"])
        if kind == "symlink" {
            // audit.jsonl lives beside the real file, whatever the name used; every row once.
            #expect(later.status == 0, "\(later.stderr)")
            let verify = try DocmergeBinary.run(["audit", "verify", "--db", other])
            #expect(verify.status == 0 && verify.stdout.contains("audit.jsonl agrees (2 rows)"), "\(verify.stdout) \(verify.stderr)")
        } else {
            // SQLite names the WAL by path: a second name is a second WAL (commits missing,
            // then corruption). Any use of a database file with several links is refused.
            #expect(later.status == 1 && later.stderr.contains("has 2 hard links"), "\(later.stderr)")
            #expect(try DocmergeBinary.run(["review", "list", "--db", db]).stderr.contains("has 2 hard links"))
        }
    }

    /// Some other program's SQLite file is refused in one sentence and left as it was;
    /// read-only commands neither create nor migrate anything.
    @Test func anotherProgramsDatabaseIsRefusedAndReadOnlyCommandsNeverMigrate() throws {
        let dir = TemporaryDirectory("docmerge-foreign")
        let (inbox, _) = try dir.site()
        let foreign = dir.file("cats.sqlite")
        #expect(try sqlite3Tool(foreign, "CREATE TABLE cats(name TEXT); INSERT INTO cats VALUES ('tom');").status == 0)
        let commands: [[String]] = [
            ["run", "--watch", inbox, "--once"], ["review", "list"], ["audit", "verify"], ["audit", "head"], ["bundle", "MRN-1"],
            ["metrics"], ["history", "MRN-1"], ["patients", "import", dir.file("none.csv")],
        ]
        for command in commands {
            let result = try DocmergeBinary.run(command + ["--db", foreign])
            #expect(result.status != 0, "\(command)")
            if command[0] != "patients" {
                #expect(result.stderr.contains("is another program's SQLite database"), "\(command): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "one sentence: \(result.stderr)")
            }
        }
        #expect(try sqlite3Tool(foreign, "SELECT group_concat(name) FROM sqlite_master;").output.trimmingCharacters(in: .whitespacesAndNewlines) == "cats")

        // A database of an older schema: read-only commands say so and change nothing.
        let old = dir.file("old.sqlite")
        let first = try #require(Schema.migrator.migrations.first)
        let created = try sqlite3Tool(old, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE schema_migrations(id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
            BEGIN IMMEDIATE;
            \(first.sql);
            INSERT INTO schema_migrations(id, name, applied_at) VALUES (1, '\(first.name)', '2026-01-01T00:00:00Z');
            COMMIT;
            """)
        #expect(created.status == 0, "\(created.output)")
        for command in [["review", "list"], ["audit", "verify"], ["bundle", "MRN-1"], ["metrics"], ["history", "MRN-1"]] {
            let result = try DocmergeBinary.run(command + ["--db", old])
            #expect(result.status == 1 && result.stderr.contains("read-only commands never migrate"), "\(command): \(result.stderr)")
        }
        #expect(try sqlite3Tool(old, "SELECT max(id) FROM schema_migrations;").output.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        // A missing database is not created by a reader.
        let missing = dir.file("missing.sqlite")
        #expect(try DocmergeBinary.run(["audit", "verify", "--db", missing]).status == 3)
        #expect(try DocmergeBinary.run(["review", "list", "--db", missing]).status == 3)
        #expect(!FileManager.default.fileExists(atPath: missing))
    }
}
