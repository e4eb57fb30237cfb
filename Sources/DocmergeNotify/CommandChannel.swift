#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// `notify.command`: runs the program (argv, no shell) with the event's JSON and a newline
/// on standard input. Standard output is discarded; standard error is the runner's. The
/// hook runs in its own process group, killed whole when it outlives the timeout.
public struct CommandChannel: NotifyChannel {
    public let argv: [String]
    public var name: String { "command" }

    public init(argv: [String]) {
        self.argv = argv
        // A hook that exits before reading its input must not kill the runner with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
    }

    public func deliver(_ notification: NotificationRecordBody, timeout: Double) -> String? {
        guard let program = argv.first else { return "notify.command is empty" }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return "cannot make a pipe for the notify command: \(String(cString: strerror(errno)))" }
        // Neither end leaks into other children (the hook gets the read end as its stdin by dup2).
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var pid: pid_t = 0
        let spawned = spawn(program, stdin: fds[0], pid: &pid)
        close(fds[0])
        guard spawned == 0 else {
            close(fds[1])
            return spawned == ENOENT ? "the notify command \(program) was not found"
                : "cannot start the notify command \(program): \(String(cString: strerror(spawned)))"
        }
        Self.writeAll(Array((notification.body + "\n").utf8), to: fds[1])
        close(fds[1])
        return wait(pid, program: program, timeout: timeout)
    }

    func spawn(_ program: String, stdin: Int32, pid: inout pid_t) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        // The runner ignores SIGINT/SIGTERM/SIGPIPE (it watches them); the hook gets the defaults.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        let cArgs = argv.map { strdup($0) }
        defer { for arg in cArgs { free(arg) } }
        return posix_spawnp(&pid, program, &actions, &attributes, cArgs + [nil], environ)
    }

    /// Waits for the hook's exit, polling (from 1 ms up to 20 ms apart) until the timeout;
    /// then kills its process group and reaps it.
    func wait(_ pid: pid_t, program: String, timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var pause: UInt32 = 1_000
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { return "cannot wait for the notify command \(program): \(String(cString: strerror(errno)))" }
            if Date() >= deadline {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return "the notify command \(program) did not finish within \(Self.seconds((timeout * 10).rounded() / 10)) s and was killed"
            }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
        let signalNumber = status & 0x7f
        if signalNumber != 0 { return "the notify command \(program) was killed by signal \(signalNumber)" }
        let code = (status >> 8) & 0xff
        return code == 0 ? nil : "the notify command \(program) exited with status \(code)"
    }

    static func writeAll(_ bytes: [UInt8], to fd: Int32) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset) }
            if n < 0 && errno == EINTR { continue }
            // The hook closed its input early (EPIPE): its exit status says whether it failed.
            if n <= 0 { return }
            offset += n
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
