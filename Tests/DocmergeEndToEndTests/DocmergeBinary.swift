#if canImport(Glibc)
import Glibc
#endif
import DocmergeTestSupport
import Foundation
import Synchronization

/// The real `docmerge` executable, run as a child process.
enum DocmergeBinary {
    static var path: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [beside, beside.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("docmerge").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/docmerge").path
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs to completion.
    @discardableResult
    static func run(_ args: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = ReadAll(out.fileHandleForReading)
        let errData = ReadAll(err.fileHandleForReading)
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData.wait(), as: UTF8.self),
                      stderr: String(decoding: errData.wait(), as: UTF8.self))
    }
}

/// Drains a pipe on its own thread (so a chatty child never blocks on a full pipe).
final class ReadAll: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let box = DataBox()

    init(_ handle: FileHandle) {
        Thread { [box, done] in
            box.set(handle.readDataToEndOfFile())
            done.signal()
        }.start()
    }

    func wait() -> Data {
        done.wait()
        return box.get()
    }
}

final class DataBox: Sendable {
    private let data = Mutex(Data())
    func set(_ d: Data) { data.withLock { $0 = d } }
    func get() -> Data { data.withLock { $0 } }
}

/// A `docmerge run` in the background, stoppable by signal.
final class RunnerProcess {
    let process = Process()
    private let errors: ReadAll
    private let output: ReadAll

    init(watch: String, db: String, config: String? = nil, extra: [String] = [], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: DocmergeBinary.path)
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.arguments = ["run", "--watch", watch, "--db", db] + (config.map { ["--config", $0] } ?? []) + extra
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        output = ReadAll(out.fileHandleForReading)
        errors = ReadAll(err.fileHandleForReading)
    }

    var pid: Int32 { process.processIdentifier }

    func kill9() { kill(pid, SIGKILL) }

    func terminate() { kill(pid, SIGTERM) }

    /// Waits for the exit; returns (status, stderr).
    func wait() -> (status: Int32, stderr: String) {
        process.waitUntilExit()
        _ = output.wait()
        return (process.terminationStatus, String(decoding: errors.wait(), as: UTF8.self))
    }

    var isRunning: Bool { process.isRunning }

    /// Once every file has left `inbox`, SIGTERM and the exit: (drained, status, stderr).
    func stopOnceDrained(_ inbox: String) -> (drained: Bool, status: Int32, stderr: String) {
        let drained = eventually { waiting(in: inbox).isEmpty }
        terminate()
        let exit = wait()
        return (drained, exit.status, exit.stderr)
    }
}

/// Waits until `condition` holds, checking every 20 ms, up to `seconds`. Returns whether
/// it held. A bounded wait for an observable condition, not a sleep standing in for one.
func eventually(_ seconds: Double = 60, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}

/// Writes a file the way the extractor does: `NAME.json.part`, then rename.
func drop(_ bytes: [UInt8], name: String, into dir: String) throws {
    let part = dir + "/" + name + ".part"
    try Data(bytes).write(to: URL(fileURLWithPath: part))
    guard rename(part, dir + "/" + name) == 0 else { throw CocoaError(.fileWriteUnknown) }
}

func files(in dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
}

/// Inbox files still waiting (not the processed/ and rejected/ folders, not dot-files).
func waiting(in dir: String) -> [String] {
    files(in: dir).filter { $0 != "processed" && $0 != "rejected" }
}

/// A config file for tests: quick retries and rescans.
func testConfig(in dir: TemporaryDirectory, _ pipeline: [String: Any] = [:]) throws -> String {
    var settings: [String: Any] = ["settle_ms": 0, "rescan_seconds": 0.2, "retry_base_ms": 5, "retry_attempts": 3,
                                   "metrics_interval_seconds": 0.5, "park_seconds": 0.5]
    for (k, v) in pipeline { settings[k] = v }
    let path = dir.file("config.json")
    try JSONSerialization.data(withJSONObject: ["pipeline": settings]).write(to: URL(fileURLWithPath: path))
    return path
}
