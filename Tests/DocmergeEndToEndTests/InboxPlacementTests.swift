#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// Where inbox files end up: never over another file (a refused file named like an
/// explanation keeps its bytes), a file another user owns still leaves the inbox, a long
/// name of any extension is refused once, and the runner's own folders are folders.
@Suite(.serialized) struct InboxPlacementTests {
    func runOnce(_ inbox: String, _ db: String, _ dir: TemporaryDirectory) throws -> DocmergeBinary.Result {
        try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--config", try testConfig(in: dir), "--once"])
    }

    func contents(_ path: String) -> String? {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func aRefusedFileNamedLikeAnExplanationKeepsItsBytes() throws {
        let dir = TemporaryDirectory("docmerge-place")
        let (inbox, db) = try dir.site()
        for i in 0..<4 {
            try drop(Array("PAYLOAD-A\(i)".utf8), name: "scan\(i).error.json", into: inbox)
            try drop(Array("PAYLOAD-B\(i)".utf8), name: "scan\(i).json", into: inbox)
        }
        let run = try runOnce(inbox, db, dir)
        #expect(run.status == 0 && waiting(in: inbox).isEmpty, "\(run.stderr)")
        let rejected = files(in: inbox + "/rejected")
        let payloads = rejected.compactMap { contents(inbox + "/rejected/" + $0) }.filter { $0.hasPrefix("PAYLOAD-") }
        #expect(payloads.sorted() == (0..<4).flatMap { ["PAYLOAD-A\($0)", "PAYLOAD-B\($0)"] }.sorted(),
                "every refused file is in rejected/, byte for byte: \(rejected)")
        // Each refused file has its own explanation, naming it.
        for name in rejected where contents(inbox + "/rejected/" + name)?.hasPrefix("PAYLOAD-") == true {
            let explanation = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: inbox + "/rejected/" + errorName(name)))))
            #expect(explanation["rejected_as"]?.stringValue == name, "\(name)")
        }
    }

    func errorName(_ name: String) -> String {
        name.hasSuffix(".json") ? String(name.dropLast(5)) + ".error.json" : name + ".error.json"
    }

    /// The extractor may write 0644: a document moved out of the inbox keeps no access for others.
    @Test func aMovedDocumentLosesAccessForOthers() throws {
        let dir = TemporaryDirectory("docmerge-place")
        let (inbox, db) = try dir.site()
        try drop(DocumentBuilder.clinical(id: "open", mrn: "MRN-1").bytes, name: "open.json", into: inbox)
        try drop(Array("{broken".utf8), name: "bad.json", into: inbox)
        for name in ["open.json", "bad.json"] { #expect(Glibc.chmod(inbox + "/" + name, 0o644) == 0) }
        #expect(try runOnce(inbox, db, dir).status == 0)
        for path in [inbox + "/processed/open.json", inbox + "/rejected/bad.json"] {
            var info = stat()
            #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o640, "\(path): \(String(info.st_mode & 0o777, radix: 8))")
        }
    }

    @Test func aLongNameWithAnotherExtensionIsRefusedOnce() throws {
        let dir = TemporaryDirectory("docmerge-place")
        let (inbox, db) = try dir.site()
        for name in [String(repeating: "c", count: 251) + ".txt", String(repeating: "n", count: 255)] {
            try Data("garbage".utf8).write(to: URL(fileURLWithPath: inbox + "/.incoming"))
            #expect(rename(inbox + "/.incoming", inbox + "/" + name) == 0)
        }
        let run = try runOnce(inbox, db, dir)
        #expect(run.status == 0 && waiting(in: inbox).isEmpty, "\(run.stderr)")
        let rejected = files(in: inbox + "/rejected")
        #expect(rejected.count == 4 && rejected.allSatisfy { $0.utf8.count <= 255 }, "\(rejected)")
    }

    /// The extractor runs as its own user and writes 0644 files: the runner, another user,
    /// cannot hard-link them (`fs.protected_hardlinks`), yet they must leave the inbox.
    @Test(.enabled(if: StewardTests.canSwitchUser), .timeLimit(.minutes(1)))
    func aFileAnotherUserOwnsLeavesTheInbox() throws {
        let dir = TemporaryDirectory("docmerge-place")
        let (inbox, db) = try dir.site()
        let config = try testConfig(in: dir)
        for path in [dir.path, inbox, config] { #expect(chown(path, 65534, 65534) == 0) }
        try drop(DocumentBuilder.clinical(id: "theirs", mrn: "MRN-1").bytes, name: "theirs.json", into: inbox)
        try drop(Array("{broken".utf8), name: "broken.json", into: inbox)
        for name in ["theirs.json", "broken.json"] { #expect(Glibc.chmod(inbox + "/" + name, 0o644) == 0) }
        let run = try StewardTests.runAs(groups: [], ["run", "--watch", inbox, "--db", db, "--config", config, "--once"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(waiting(in: inbox).isEmpty, "\(run.stderr)")
        #expect(files(in: inbox + "/processed") == ["theirs.json"])
        #expect(files(in: inbox + "/rejected") == ["broken.error.json", "broken.json"])
    }

    /// A link (to a document, to a secret, dangling), a named pipe: never read, never
    /// followed, but not left in the inbox unexplained either: moved to rejected/ as they
    /// are, each with its explanation; a folder is said and left alone.
    @Test func entriesThatAreNotRegularFilesAreRefusedUnread() throws {
        let dir = TemporaryDirectory("docmerge-place")
        let (inbox, db) = try dir.site()
        let target = dir.file("target.json")
        try Data(DocumentBuilder.clinical(id: "linked", mrn: "MRN-1").bytes).write(to: URL(fileURLWithPath: target))
        #expect(symlink(target, inbox + "/link.json") == 0)
        #expect(symlink("/etc/passwd", inbox + "/secret.json") == 0)
        #expect(symlink(dir.file("nowhere"), inbox + "/dangling.json") == 0)
        #expect(mkfifo(inbox + "/pipe.json", 0o600) == 0)
        try FileManager.default.createDirectory(atPath: inbox + "/folder.json", withIntermediateDirectories: false)
        let run = try runOnce(inbox, db, dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(waiting(in: inbox) == ["folder.json"], "only the folder stays: \(waiting(in: inbox))")
        #expect(run.stderr.contains("link.json is a symbolic link, not a regular file: moved to rejected/"), "\(run.stderr)")
        #expect(run.stderr.contains("folder.json in the watch directory is a folder"), "\(run.stderr)")
        #expect(files(in: inbox + "/rejected") == ["dangling.error.json", "dangling.json", "link.error.json", "link.json",
                                                   "pipe.error.json", "pipe.json", "secret.error.json", "secret.json"])
        var info = stat()
        #expect(lstat(inbox + "/rejected/link.json", &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK, "the link moved, not its target")
        #expect(FileManager.default.fileExists(atPath: target), "what it pointed to is untouched")
        let explanation = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: inbox + "/rejected/pipe.error.json"))))
        #expect(explanation["error"]?.stringValue?.contains("pipe.json is a named pipe, not a regular file") == true)
        #expect(try DocmergeBinary.run(["review", "show", "linked", "--db", db]).status == 3, "never read")
    }

    @Test func aFileWhereTheRejectedFolderBelongsStopsTheRunnerWithOneSentence() throws {
        let dir = TemporaryDirectory("docmerge-place")
        let (inbox, db) = try dir.site()
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: inbox + "/rejected"))
        let run = try runOnce(inbox, db, dir)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("rejected is a file, not a folder"), "\(run.stderr)")
        #expect(contents(inbox + "/rejected") == "not a folder", "left as it was")
    }
}
