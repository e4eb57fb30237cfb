#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel
import Foundation

/// Files and folders that hold patient data get no access for others, whatever the
/// umask: files are created 0660 and folders 0770 (the umask can only take more away),
/// so the stewards' group may read and write and nobody else can. SQLite gives the
/// WAL and shared-memory files the database file's own mode, so the database file is
/// created here, before SQLite opens it.
public enum PrivateFiles {
    public static let fileMode: mode_t = 0o660
    public static let folderMode: mode_t = 0o770

    /// Creates an empty database file (0660) if there is none; SQLite fills it.
    public static func prepareDatabaseFile(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        if fd >= 0 { close(fd); return }
        guard errno == EEXIST else {
            throw DocmergeError(.failure, "Cannot create the database \(TerminalText.escape(path)): \(String(cString: strerror(errno))).")
        }
    }

    /// `mkdir` with mode 0770 (less if the umask says so); an existing folder is fine.
    public static func createFolder(_ path: String) throws {
        if mkdir(path, folderMode) == 0 || errno == EEXIST { return }
        throw DocmergeError(.failure, "Cannot create the folder \(TerminalText.escape(path)): \(String(cString: strerror(errno))).")
    }

    /// Paths among `paths` that exist and allow more than 0660 (files) or 0770 (folders).
    public static func tooWide(_ paths: [String]) -> [(path: String, mode: mode_t)] {
        paths.compactMap { path in
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            let isFolder = (info.st_mode & S_IFMT) == S_IFDIR
            let mode = info.st_mode & 0o7777
            return mode & ~(isFolder ? folderMode : fileMode) != 0 ? (path, mode) : nil
        }
    }

    /// What `docmerge run` looks at when it starts.
    public static func runnerPaths(database: String, watch: String) -> [String] {
        let dir = (RealPath.resolve(database) as NSString).deletingLastPathComponent
        return [database, database + "-wal", database + "-shm", AuditLogFile.path(forDatabase: database),
                dir + "/metrics.prom", dir + "/metrics.json", watch + "/processed", watch + "/rejected"]
    }
}
