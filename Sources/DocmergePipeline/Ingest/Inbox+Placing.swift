#if canImport(Glibc)
import Glibc
#endif
import CLinux
import DocmergeModel
import Foundation

/// Putting a file under a new name in `processed/` or `rejected/` without ever
/// overwriting, and the explanation files beside refused ones.
extension Inbox {
    /// Gives the file at `source` the name `target`, unless something has that name:
    /// 0, or the errno. An atomic rename that refuses to replace (renameat2 with
    /// RENAME_NOREPLACE): unlike a hard link it works on a file another user owns
    /// (`fs.protected_hardlinks`). Where the file system cannot do it, a hard link and an
    /// unlink (`move` and `reject` recognise a crash between the two).
    static func place(_ source: UnsafePointer<CChar>, at target: String) -> Int32 {
        if clinux_rename_noreplace(source, target) == 0 { closeToOthers(target); return 0 }
        let failure = errno
        guard failure == EINVAL || failure == ENOSYS else { return failure }
        guard link(source, target) == 0 else { return errno }
        unlink(source)
        closeToOthers(target)
        return 0
    }

    /// A document holds patient data: once in `processed/` or `rejected/`, others lose any
    /// access the writer gave them (0644 becomes 0640). Regular files only (`chmod` would
    /// follow a link); a file another user owns keeps its mode (the folder still shuts
    /// others out).
    static func closeToOthers(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_mode & 0o007 != 0 else { return }
        _ = chmod(path, info.st_mode & 0o7770)
    }

    /// The longest name a refused file takes, so that its explanation's name
    /// (`NAME.error.json`, or `NAME.error.json` after any other extension) and the
    /// explanation's temporary file (`.tmp`) fit in 255 bytes.
    static func rejectedNameLimit(for name: String) -> Int {
        name.hasSuffix(".json") ? rejectedNameLimit : rejectedNameLimit - 5
    }

    /// Whether the explanation for a file about to be refused as `target` may be written at
    /// `path`: nothing is there, or an explanation written for `target` itself before a crash
    /// (the file was not moved yet). Anything else — an input file that was itself refused
    /// under that name — is never overwritten: the refused file takes another name.
    static func explanationSlotIsFree(_ path: String, for target: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return errno == ENOENT }
        guard (info.st_mode & S_IFMT) == S_IFREG, info.st_size <= 65_536,
              let data = FileManager.default.contents(atPath: path),
              let json = try? JSONParser.parse(Array(data)) else { return false }
        return json["rejected_as"]?.stringValue == target
    }
}
