#if canImport(Glibc)
import Glibc
#endif
import DocmergeCore
import Foundation
import Synchronization

/// One runner per database and per watch directory: an exclusive `flock` on
/// `DB.lock` (beside the database's real path) and on `DIR/.docmerge.lock`, and one on
/// the database file itself, so a second runner that reaches the same file through a
/// symlink or a hard link (another name, the same inode) is refused too. The kernel
/// drops the locks when the process dies, even by `kill -9`, so a crash never leaves a
/// stale lock behind.
public final class RunnerLock {
    private var descriptors: [Int32] = []
    private var databaseLock: DatabaseFileLock.Key?

    public init(paths: [String], database: String? = nil) throws {
        for path in paths {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, PrivateFiles.fileMode)
            guard fd >= 0 else {
                release()
                throw InboxError("Cannot create the lock file \(path): \(String(cString: strerror(errno))).")
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                var holder = [UInt8](repeating: 0, count: 32)
                let n = read(fd, &holder, holder.count)
                let pid = n > 0 ? String(decoding: holder[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
                close(fd)
                release()
                throw RunnerLock.Held("Another docmerge runner (pid \(pid)) is already using this database or directory (lock \(path)); stop it first or point this one elsewhere.")
            }
            ftruncate(fd, 0)
            let pid = Array("\(getpid())\n".utf8)
            _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            descriptors.append(fd)
        }
        if let database {
            do { databaseLock = try DatabaseFileLock.acquire(database) } catch {
                release()
                throw error
            }
        }
    }

    /// Another runner holds one of the locks (exit 4); any other error opening a lock file
    /// is a plain failure.
    public struct Held: Error, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public func release() {
        for fd in descriptors { close(fd) }
        descriptors.removeAll()
        if let databaseLock { DatabaseFileLock.release(databaseLock) }
        databaseLock = nil
    }

    deinit { release() }
}

/// A `flock` on the database file's inode. The descriptor is never closed while the
/// process lives: closing any descriptor of a file drops the process's POSIX locks on
/// it, and SQLite holds those. So each file is opened once per process (kept in a table
/// by device and inode) and unlocked, not closed, on release. `flock` and SQLite's
/// `fcntl` locks are independent on Linux.
enum DatabaseFileLock {
    struct Key: Hashable, Sendable {
        let device: UInt64
        let inode: UInt64
    }

    private static let open = Mutex<[Key: Int32]>([:])

    static func acquire(_ path: String) throws -> Key {
        do { try PrivateFiles.prepareDatabaseFile(path) } catch let error as DocmergeError { throw InboxError(error.message) }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw InboxError("Cannot open the database \(path): \(String(cString: strerror(errno))).")
        }
        let key = Key(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        let fd: Int32 = try Self.open.withLock { table in
            if let fd = table[key] { return fd }
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw InboxError("Cannot open the database \(path): \(String(cString: strerror(errno))).") }
            table[key] = fd
            return fd
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            throw RunnerLock.Held("Another docmerge runner is already using the database \(path) (perhaps through another name: a symlink or a hard link); stop it first or point this one elsewhere.")
        }
        return key
    }

    static func release(_ key: Key) {
        if let fd = open.withLock({ $0[key] }) { flock(fd, LOCK_UN) }
    }
}
