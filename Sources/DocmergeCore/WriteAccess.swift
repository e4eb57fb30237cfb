#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel
import DocmergeSQLite
import Foundation

/// Whether this process may write a database: the file, its WAL and shared-memory files
/// when present, and the directory that holds them (SQLite creates and removes the WAL
/// files there; the runner keeps its lock and `audit.jsonl` there).
public enum WriteAccess {
    public static func allowed(databasePath path: String) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        let dir = directory.isEmpty ? "." : directory
        // A directory that does not exist is not a permission problem: opening reports it.
        guard FileManager.default.fileExists(atPath: dir) else { return true }
        guard access(dir, W_OK | X_OK) == 0 else { return false }
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            if access(file, W_OK) != 0 { return false }
        }
        return true
    }

    /// False when the directory exists but this user may not look inside it.
    public static func canSearchDirectory(of path: String) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        let dir = directory.isEmpty ? "." : directory
        return !FileManager.default.fileExists(atPath: dir) || access(dir, X_OK) == 0
    }

    public static func readRefusal(_ path: String) -> DocmergeError {
        DocmergeError(.conflict, "You cannot read \(TerminalText.escape(path)); run as the docmerge user or join its group.")
    }

    public static func refusal(_ path: String) -> DocmergeError {
        DocmergeError(.conflict, "You cannot write \(TerminalText.escape(path)); run as the docmerge user or join its group.")
    }

    /// The refusal for a write SQLite refused as read-only (the file's permissions changed
    /// under a running command, say), so the steward reads the same sentence; nil for any
    /// other error.
    public static func refusal(for error: any Error, path: String) -> DocmergeError? {
        guard let error = error as? SQLiteError, error.isReadOnly else { return nil }
        return refusal(path)
    }
}
