#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Child processes for the drivers: the real `docmerge` binary.
public enum ProcessTools {
    /// `docmerge` next to this executable (same build folder), or DOCMERGE_BINARY.
    public static func docmergeBinary() -> String {
        if let path = ProcessInfo.processInfo.environment["DOCMERGE_BINARY"] { return path }
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for dir in [me.deletingLastPathComponent(), me.deletingLastPathComponent().deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("docmerge").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "docmerge"
    }

    @discardableResult
    public static func run(_ binary: String, _ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = args
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("stress-out-\(UUID().uuidString)")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("stress-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "", (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Starts a process whose output goes to `log`.
    public static func start(_ binary: String, _ args: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = args
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Peak resident set size so far (VmHWM) of a live process, in bytes.
    public static func peakRSS(pid: Int32) -> Int? { statusKiB(pid: pid, field: "VmHWM:").map { $0 * 1024 } }

    /// Resident set size now (VmRSS) of a live process, in bytes.
    public static func residentRSS(pid: Int32) -> Int? { statusKiB(pid: pid, field: "VmRSS:").map { $0 * 1024 } }

    /// A "kB" field of /proc/PID/status.
    static func statusKiB(pid: Int32, field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    /// Writes like the extractor: `NAME.part`, then an atomic rename.
    public static func drop(_ file: GeneratedFile, into dir: String) throws {
        let part = dir + "/" + file.name + ".part"
        try Data(file.bytes).write(to: URL(fileURLWithPath: part))
        guard rename(part, dir + "/" + file.name) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: part])
        }
    }

    public static func waiting(in inbox: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: inbox)) ?? [])
            .filter { !$0.hasPrefix(".") && $0 != "processed" && $0 != "rejected" && !$0.hasSuffix(".part") }.count
    }
}
