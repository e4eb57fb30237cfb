#if canImport(Glibc)
import Glibc
#endif
import DocmergeCore
import DocmergeModel
import Foundation

/// The watch directory: the inbox at its top level, `processed/` and `rejected/`
/// inside it. Moves never overwrite: a clash gets a suffix.
public struct Inbox: Sendable {
    public let root: String
    public var processed: String { root + "/processed" }
    public var rejected: String { root + "/rejected" }

    public init(root: String) throws {
        try self.init(unprepared: root)
        try prepare()
    }

    /// Checks the directory only. The runner calls `prepare()` once it holds its locks, so
    /// a runner that is refused leaves nothing behind.
    public init(unprepared root: String) throws {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: self.root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InboxError("The watch directory \(root) does not exist or is not a directory.")
        }
    }

    /// Creates `processed/` and `rejected/`, and removes an explanation half-written when a
    /// runner died (its file is still in the inbox and will be refused again).
    public func prepare() throws {
        try ensureFolders()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: rejected)) ?? [] where name.hasSuffix(".tmp") {
            try? FileManager.default.removeItem(atPath: rejected + "/" + name)
        }
    }

    /// `processed/` and `rejected/` (0770), re-created if someone removed them, or the
    /// whole inbox, while the runner runs.
    public func ensureFolders() throws {
        for folder in [processed, rejected] {
            do { try PrivateFiles.createFolder(folder) } catch let error as DocmergeError { throw InboxError(error.message) }
            var info = stat()
            if stat(folder, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR {
                throw InboxError("\(TerminalText.escape(folder)) is a file, not a folder; move it out of the watch directory so docmerge can keep its files there.")
            }
        }
    }

    /// Names the pipeline never reads: dot-files and names still being written.
    public static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix(".part") || name.hasSuffix(".tmp")
    }

    public struct Candidate: Sendable {
        public let name: String
        public let identity: FileIdentity
    }

    /// What one pass over the watch directory found: its regular files (oldest first), the
    /// names that are not UTF-8, and the entries that are not regular files.
    public struct Listing: Sendable {
        public var candidates: [Candidate] = []
        public var undecodable: [[UInt8]] = []
        public var notRegular: [NotRegular] = []
    }

    /// One pass over the top level, each entry looked at once (`lstat`: a symlink is never
    /// followed). Dot-files and names still being written are left out, as are `processed/`
    /// and `rejected/`.
    public func scan() -> Listing {
        guard let dir = opendir(root) else { return Listing() }
        defer { closedir(dir) }
        var listing = Listing()
        while let entry = readdir(dir) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            guard let name = String(validating: bytes, as: UTF8.self) else {
                if !Inbox.isIgnored(String(decoding: bytes, as: UTF8.self)) { listing.undecodable.append(bytes) }
                continue
            }
            if name == "." || name == ".." || name == "processed" || name == "rejected" || Inbox.isIgnored(name) { continue }
            var info = stat()
            guard lstat(root + "/" + name, &info) == 0 else { continue }
            if let kind = NotRegular.kind(info.st_mode) {
                listing.notRegular.append(NotRegular(name: name, kind: kind))
            } else {
                listing.candidates.append(Candidate(name: name, identity: Inbox.identity(info)))
            }
        }
        listing.candidates.sort { ($0.identity.modifiedNanos, $0.name) < ($1.identity.modifiedNanos, $1.name) }
        listing.notRegular.sort { $0.name < $1.name }
        return listing
    }

    /// The file's identity if it is a regular file (lstat: a symlink is not).
    public func identity(of name: String) -> FileIdentity? {
        Inbox.identity(atPath: root + "/" + name)
    }

    static func identity(atPath path: String) -> FileIdentity? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return identity(info)
    }

    static func identity(_ info: stat) -> FileIdentity {
        FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                     modifiedNanos: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }

    /// Reads a regular file without following symlinks. nil if it vanished.
    public func read(_ name: String) throws -> [UInt8]? {
        switch try read(name, maxBytes: Int.max) {
        case .bytes(let bytes): bytes
        case .tooLarge, .vanished: nil
        }
    }

    public enum ReadResult: Sendable {
        case bytes([UInt8])
        /// Over the limit, by `fstat` on the opened descriptor: nothing was read.
        case tooLarge(Int64)
        case vanished
    }

    /// Reads a regular file without following symlinks, refusing one over `maxBytes`
    /// before reading a byte of it (a 1.5 GB file costs an `fstat`, not 1.5 GB).
    public func read(_ name: String, maxBytes: Int) throws -> ReadResult {
        let fd = open(root + "/" + name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return .vanished }
            throw InboxError("Cannot read \(name): \(String(cString: strerror(errno))).")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw InboxError("Cannot read \(name): \(String(cString: strerror(errno))).") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .vanished }
        guard Int64(info.st_size) <= Int64(maxBytes) else { return .tooLarge(Int64(info.st_size)) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress! + offset, raw.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw InboxError("Cannot read \(name): \(String(cString: strerror(errno))).")
            }
            if n == 0 { bytes.removeLast(bytes.count - offset); break }
            offset += n
        }
        return .bytes(bytes)
    }

    /// Moves the inbox file into `folder` under its own name, or `NAME-1.json`,
    /// `NAME-2.json` … on a clash. Never overwrites (`place`).
    /// Returns the final name, or nil if the file is gone or is no longer `identity`.
    @discardableResult
    public func move(_ name: String, expecting identity: FileIdentity?, to folder: String) throws -> String? {
        let source = root + "/" + name
        guard let current = Inbox.identity(atPath: source) else { return nil }
        if let identity, current != identity { return nil }
        for attempt in 0..<10_000 {
            let target = Inbox.candidateName(name, attempt)
            let path = folder + "/" + target
            var failure = Inbox.place(source, at: path)
            if failure == 0 { return target }
            if failure == ENOENT, attempt == 0, Inbox.identity(atPath: source) != nil {
                try ensureFolders()   // removed while running (or the whole inbox re-created)
                failure = Inbox.place(source, at: path)
                if failure == 0 { return target }
            }
            if failure != EEXIST { throw InboxError("Cannot move \(name) to \(folder): \(String(cString: strerror(failure))).") }
            // A crash between link and unlink leaves the same file under both names.
            if let there = Inbox.identity(atPath: path), there.inode == current.inode, there.device == current.device {
                unlink(source)
                return target
            }
        }
        throw InboxError("Cannot find a free name for \(name) in \(folder).")
    }

    /// The name to try at `attempt` (0: the name itself), fitted to `limit` bytes.
    static func candidateName(_ name: String, _ attempt: Int, limit: Int = processedNameLimit) -> String {
        guard attempt > 0 else { return fitted(name, limit: limit) }
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            return fitted("\(name[..<dot])-\(attempt)\(name[dot...])", limit: limit)
        }
        return fitted("\(name)-\(attempt)", limit: limit)
    }

    /// The explanation file's name beside a rejected file: `NAME.json` → `NAME.error.json`.
    public static func errorFileName(for name: String) -> String {
        name.hasSuffix(".json") ? String(name.dropLast(5)) + ".error.json" : name + ".error.json"
    }

    /// Refuses a file: moves it byte for byte to `rejected/` with the explanation beside it
    /// (`moveToRejected`). nil if the file is gone or is no longer the one refused.
    public func reject(_ ticket: FileTicket, reason: String, jsonPath: String, documentID: String?,
                       at: Date) throws -> String? {
        let source = root + "/" + ticket.name
        let refused = ticket.identity
        return try moveToRejected(Array(source.utf8CString), as: ticket.name,
                                  isStillThere: { Inbox.identity(atPath: source) == refused },
                                  isAlreadyThere: { path in
                                      Inbox.identity(atPath: path).map { $0.inode == refused.inode && $0.device == refused.device } ?? false
                                  }) { target in
            var members: [JSONMember] = [
                JSONMember("file", .string(ticket.name)),
                JSONMember("rejected_as", .string(target)),
                JSONMember("error", .string(reason)),
                JSONMember("path", .string(jsonPath)),
                JSONMember("rejected_at", .string(Timestamp.format(at))),
            ]
            if let documentID { members.append(JSONMember("document_id", .string(documentID))) }
            return members
        }
    }

    /// Writes through a temporary file and `rename`, with fsync.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temp = path + ".tmp"
        unlink(temp)   // a leftover keeps its old mode; a new file gets no access for others
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, PrivateFiles.fileMode)
        guard fd >= 0 else { throw InboxError("Cannot write \(path): \(String(cString: strerror(errno))).") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress! + offset, raw.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                close(fd)
                unlink(temp)
                throw InboxError("Cannot write \(path): \(message).")
            }
            offset += n
        }
        fsync(fd)
        close(fd)
        guard rename(temp, path) == 0 else {
            unlink(temp)
            throw InboxError("Cannot write \(path): \(String(cString: strerror(errno))).")
        }
    }
}

public struct InboxError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
