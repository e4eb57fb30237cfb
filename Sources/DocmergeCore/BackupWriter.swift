#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel
import DocmergeSQLite
import Foundation

/// `docmerge backup`: the copy is written under a temporary name beside the target
/// (`.NAME.partial-PID`), checked, and only then linked to its final name (`link`
/// never overwrites). A backup killed halfway leaves only a partial under its
/// temporary name, which the next backup to that name removes once its writer is dead.
public struct BackupWriter {
    public let destination: String

    public init(destination: String) { self.destination = destination }

    var folder: String {
        let dir = (destination as NSString).deletingLastPathComponent
        return dir.isEmpty ? "." : dir
    }
    var partialPrefix: String { "." + (destination as NSString).lastPathComponent + ".partial-" }

    /// Copies, verifies, names. Returns the number of audit rows verified in the copy.
    public func write(from store: RecordStore) throws -> Int {
        if FileManager.default.fileExists(atPath: destination) {
            throw DocmergeError(.conflict, "\(TerminalText.escape(destination)) already exists; choose a new name for the backup.")
        }
        removeAbandonedPartials()
        let temporary = folder + "/" + partialPrefix + String(getpid())
        let remove = { for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary + suffix) } }
        remove()
        defer { remove() }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, PrivateFiles.fileMode)
        guard fd >= 0 else {
            throw DocmergeError(.failure, "Cannot create the backup \(TerminalText.escape(destination)): \(String(cString: strerror(errno))).")
        }
        close(fd)
        let killAfterSteps = ProcessInfo.processInfo.environment["DOCMERGE_FAULT_KILL_DURING_BACKUP"].flatMap { Int($0) }
        var steps = 0
        do {
            try store.db.backup(to: temporary, pagesPerStep: 256) { _ in
                steps += 1
                // Fault injection for the tests: die by SIGKILL in the middle of the copy.
                if let killAfterSteps, steps >= killAfterSteps { kill(getpid(), SIGKILL) }
            }
        } catch let error as SQLiteError {
            throw DocmergeError(.failure, "The backup to \(TerminalText.escape(destination)) failed: \(error.message).")
        }
        let rows = try verify(temporary)
        guard link(temporary, destination) == 0 else {
            let reason = errno == EEXIST ? "it appeared while the copy was made" : String(cString: strerror(errno))
            throw DocmergeError(.conflict, "Cannot name the backup \(TerminalText.escape(destination)): \(reason).")
        }
        let dirFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 { fsync(dirFD); close(dirFD) }
        return rows
    }

    /// The copy must be a sound SQLite file whose audit trail verifies on its own.
    func verify(_ path: String) throws -> Int {
        let copy: RecordStore
        do { copy = try RecordStore(path: path, readOnly: true) } catch let error as SQLiteError {
            throw DocmergeError(.failure, "The backup copy cannot be opened: \(error.message); nothing was written to \(TerminalText.escape(destination)).")
        }
        let check = try copy.db.scalarText("PRAGMA quick_check")
        guard check == "ok" else {
            throw DocmergeError(.failure, "The backup copy fails SQLite's quick_check; nothing was written to \(TerminalText.escape(destination)).")
        }
        let audit = try copy.verifyAudit()
        if let problem = audit.problem {
            throw DocmergeError(.failure, "The backup copy fails audit verification (\(problem)); nothing was written to \(TerminalText.escape(destination)).")
        }
        return audit.rows
    }

    /// Partials of earlier backups to this name whose process is gone (killed halfway).
    func removeAbandonedPartials() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(partialPrefix) {
            let pidText = name.dropFirst(partialPrefix.count).prefix { $0.isNumber }
            guard let pid = Int32(pidText), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(folder + "/" + name) }
        }
    }
}
