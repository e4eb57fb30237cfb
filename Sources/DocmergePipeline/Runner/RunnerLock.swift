#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One runner per database and per watch directory: an exclusive `flock` on
/// `DB.lock` and on `DIR/.docmerge.lock`. The kernel drops the locks when the process
/// dies, even by `kill -9`, so a crash never leaves a stale lock behind.
public final class RunnerLock {
    private var descriptors: [Int32] = []

    public init(paths: [String]) throws {
        for path in paths {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
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
                throw InboxError("Another docmerge runner (pid \(pid)) is already using this database or directory (lock \(path)); stop it first or point this one elsewhere.")
            }
            ftruncate(fd, 0)
            let pid = Array("\(getpid())\n".utf8)
            _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            descriptors.append(fd)
        }
    }

    public func release() {
        for fd in descriptors { close(fd) }
        descriptors.removeAll()
    }

    deinit { release() }
}
