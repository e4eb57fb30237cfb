#if canImport(Glibc)
import Glibc
#endif
import DocmergeTestSupport
import Foundation
import Testing

/// A reader that goes away (`docmerge review show DOC | head -3`): the command ends
/// quietly with the status a SIGPIPE gives, no crash report; a runner whose log reader went
/// away finishes its work (every file moved) instead of dying between a commit and its moves.
@Suite struct ClosedPipeTests {
    /// Runs the binary with standard output (and, if asked, standard error) on a pipe whose
    /// reading end is already closed, so its first write fails with EPIPE; standard error
    /// otherwise goes to a file. Returns the exit status, whether a signal ended it, and
    /// what it wrote to standard error.
    func runIntoClosedPipe(_ args: [String], errorToo: Bool = false, in dir: TemporaryDirectory) throws
        -> (status: Int32, signalled: Bool, stderr: String) {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        close(fds[0])
        defer { close(fds[1]) }
        let errPath = dir.file("stderr.txt")
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let errFile = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DocmergeBinary.path)
        process.arguments = args
        let closed = FileHandle(fileDescriptor: fds[1], closeOnDealloc: false)
        process.standardOutput = closed
        process.standardError = errorToo ? closed : errFile
        try process.run()
        process.waitUntilExit()
        try errFile.close()
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, stderr)
    }

    @Test(.timeLimit(.minutes(1)))
    func aCommandWhoseReaderWentAwayEndsQuietly() throws {
        let dir = TemporaryDirectory("docmerge-pipe")
        let (inbox, db) = try dir.site()
        try drop(DocumentBuilder.clinical(id: "p-1", mrn: "MRN-1").bytes, name: "p-1.json", into: inbox)
        #expect(try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--quiet"]).status == 0)
        for args in [["review", "show", "p-1", "--db", db], ["bundle", "MRN-1", "--db", db], ["history", "MRN-1", "--db", db],
                     ["audit", "list", "--db", db, "--json"], ["metrics", "--db", db, "--format", "prometheus"]] {
            let result = try runIntoClosedPipe(args, in: dir)
            #expect(!result.signalled && result.status == 128 + SIGPIPE, "\(args): \(result)")
            #expect(result.stderr.isEmpty, "no crash report: \(result.stderr)")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aRunnerWhoseLogReaderWentAwayFinishesItsWork() throws {
        let dir = TemporaryDirectory("docmerge-pipe")
        let (inbox, db) = try dir.site()
        for i in 0..<20 { try drop(DocumentBuilder.clinical(id: "r-\(i)", mrn: "MRN-\(i % 3)").bytes, name: "r-\(i).json", into: inbox) }
        let result = try runIntoClosedPipe(["run", "--watch", inbox, "--db", db, "--once"], errorToo: true, in: dir)
        #expect(!result.signalled, "\(result)")
        #expect(waiting(in: inbox).isEmpty && files(in: inbox + "/processed").count == 20)
    }
}
