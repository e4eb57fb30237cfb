#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel
import DocmergeStressKit
import DocmergeTestSupport
import Foundation

/// A real `docmerge serve` in the background, on a port the kernel picks.
final class ServeProcess {
    let process = Process()
    let port: UInt16
    let stderrPath: String

    init(db: String, dir: TemporaryDirectory, extra: [String] = []) throws {
        let out = dir.file("serve-\(UUID().uuidString.prefix(6)).out")
        stderrPath = out + ".err"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: DocmergeBinary.path)
        process.arguments = ["serve", "--db", db, "--listen", "127.0.0.1:0"] + extra
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        let process = self.process
        try process.run()
        var found: UInt16?
        _ = eventually(30) {
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on http://127.0.0.1:") {
                found = UInt16(text[range.upperBound...].prefix(while: { $0.isNumber }))
            }
            return found != nil || !process.isRunning
        }
        guard let found else {
            process.terminate()
            throw ConsoleClient.Failure(description: "docmerge serve did not start: \((try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "")")
        }
        port = found
    }

    func client() -> ConsoleClient { ConsoleClient(port: port) }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// SIGTERM and the exit status.
    func stop() -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// Runs the binary with `input` on standard input.
@discardableResult
func runWithInput(_ args: [String], input: String) throws -> DocmergeBinary.Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: DocmergeBinary.path)
    process.arguments = args
    let inPipe = Pipe(), out = Pipe(), err = Pipe()
    process.standardInput = inPipe
    process.standardOutput = out
    process.standardError = err
    try process.run()
    inPipe.fileHandleForWriting.write(Data(input.utf8))
    try inPipe.fileHandleForWriting.close()
    let o = ReadAll(out.fileHandleForReading), e = ReadAll(err.fileHandleForReading)
    process.waitUntilExit()
    return DocmergeBinary.Result(status: process.terminationStatus, stdout: String(decoding: o.wait(), as: UTF8.self),
                                 stderr: String(decoding: e.wait(), as: UTF8.self))
}

/// A site with a few documents merged and the console's accounts.
struct ConsoleSite {
    let dir: TemporaryDirectory
    let inbox: String
    let db: String
    static let password = "long-enough-password"

    init(label: String = "docmerge-console", documents: [DocumentBuilder]) throws {
        dir = TemporaryDirectory(label)
        (inbox, db) = try dir.site()
        for doc in documents { try drop(doc.bytes, name: "\(doc.documentID).json", into: inbox) }
        let run = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--quiet"])
        guard run.status == 0 else { throw ConsoleClient.Failure(description: run.stderr) }
        for (name, role) in [("alice", "steward"), ("bob", "steward"), ("vera", "viewer"), ("carol", "steward")] {
            let added = try runWithInput(["stewards", "add", name, "--role", role, "--db", db, "--iterations", "1000"], input: Self.password + "\n")
            guard added.status == 0 else { throw ConsoleClient.Failure(description: added.stderr) }
        }
    }

    /// A flagged document (low confidence) with a snippet.
    static func flagged(_ id: String, mrn: String = "MRN-1", name: String? = nil) -> DocumentBuilder {
        var doc = DocumentBuilder.clinical(id: id, mrn: mrn)
        doc.confidence = 0.5
        if let name { doc.documentName = name }
        return doc
    }
}
