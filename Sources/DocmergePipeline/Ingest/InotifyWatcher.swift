#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// Watches the inbox with inotify (close-after-write and moved-in events). Linux has
/// no DispatchSource file watcher; the blocking `poll` runs on its own thread so it
/// never ties up the cooperative pool. The runner's periodic rescan is the safety net
/// (queue overflow, a missed event).
public final class InotifyWatcher: Sendable {
    private let fd: Int32
    private let stopped = Atomic<Bool>(false)

    public init(directory: String) throws {
        fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw InboxError("Cannot watch \(directory): inotify is unavailable (\(String(cString: strerror(errno)))).") }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO)
        guard inotify_add_watch(fd, directory, mask) >= 0 else {
            close(fd)
            throw InboxError("Cannot watch \(directory): \(String(cString: strerror(errno))).")
        }
    }

    /// Starts the watching thread; names of files that finished arriving are sent to
    /// `onName`, `nil` once on queue overflow (rescan needed).
    public func start(_ onName: @escaping @Sendable (String?) -> Void) {
        let thread = Thread { [self] in self.loop(onName) }
        thread.name = "docmerge.inotify"
        thread.start()
    }

    public func stop() { stopped.store(true, ordering: .relaxed) }

    private func loop(_ onName: @Sendable (String?) -> Void) {
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let headerSize = MemoryLayout<inotify_event>.size
        while !stopped.load(ordering: .relaxed) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 200)
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { continue }
            var offset = 0
            while offset + headerSize <= count {
                let (mask, length) = buffer.withUnsafeBytes { raw -> (UInt32, Int) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.mask, Int(event.len))
                }
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { onName(nil) }
                if length > 0, offset + headerSize + length <= count {
                    let nameBytes = buffer[(offset + headerSize)..<(offset + headerSize + length)].prefix { $0 != 0 }
                    onName(String(decoding: nameBytes, as: UTF8.self))
                }
                offset += headerSize + length
            }
        }
    }
}
