#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Who runs this process, as the operating system knows it: recorded in every audit row
/// beside the declared `--reviewer`, which anyone can type.
public struct OSIdentity: Sendable, Equatable {
    public let user: String
    public let host: String

    public init(user: String, host: String) {
        self.user = user
        self.host = host
    }

    /// The effective user (its login name, else `uid N`) and the host name.
    public static let current: OSIdentity = {
        let uid = geteuid()
        var user = "uid \(uid)"
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name, let text = String(validatingCString: name), !text.isEmpty {
            user = text
        }
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count - 1) == 0
            ? String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown"
        return OSIdentity(user: user, host: host.isEmpty ? "unknown" : host)
    }()
}

/// Whether this process may write a database: the file, its WAL and shared-memory files
/// when present, and the directory that holds them (SQLite creates and removes the WAL
/// files there; the runner keeps its lock and `audit.jsonl` there).
public enum WriteAccess {
    public static func allowed(databasePath path: String) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        guard access(directory.isEmpty ? "." : directory, W_OK | X_OK) == 0 else { return false }
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
        DocmergeError(.conflict, "You cannot read \(path); run as the docmerge user or join its group.")
    }

    public static func refusal(_ path: String) -> DocmergeError {
        DocmergeError(.conflict, "You cannot write \(path); run as the docmerge user or join its group.")
    }
}
