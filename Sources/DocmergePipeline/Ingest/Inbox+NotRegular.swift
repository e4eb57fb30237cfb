#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel
import Foundation

/// Entries of the inbox that are not regular files (`scan` finds them): a symbolic link
/// (never followed, so never read), a named pipe, a socket, a device, a folder. None of
/// them is a document; each is said, and all but a folder are moved to `rejected/` as they
/// are (a link is moved, not what it points to), so nothing waits in the inbox unexplained.
extension Inbox {
    public struct NotRegular: Sendable, Equatable {
        public let name: String
        /// "a symbolic link", "a named pipe", "a socket", "a device", "a folder".
        public let kind: String
        public var isFolder: Bool { kind == "a folder" }

        /// What an entry of this mode is, in words; nil for a regular file.
        static func kind(_ mode: mode_t) -> String? {
            switch mode & S_IFMT {
            case S_IFREG: nil
            case S_IFLNK: "a symbolic link"
            case S_IFIFO: "a named pipe"
            case S_IFSOCK: "a socket"
            case S_IFDIR: "a folder"
            default: "a device"
            }
        }
    }

    /// What the explanation of a refused non-regular file says.
    static func notRegularReason(_ item: NotRegular) -> String {
        "\(item.name) is \(item.kind), not a regular file: docmerge reads only regular files and never follows links; drop the file itself (write NAME.part, then rename it to NAME.json)"
    }

    /// Moves a non-regular inbox entry (not a folder) to `rejected/` as it is, with the
    /// explanation beside it. Returns the name it took, nil if it is gone or changed kind.
    func rejectNotRegular(_ item: NotRegular, at: Date) throws -> String? {
        guard !item.isFolder else { return nil }
        let source = root + "/" + item.name
        return try moveToRejected(Array(source.utf8CString), as: item.name, isStillThere: {
            var info = stat()
            return lstat(source, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG && (info.st_mode & S_IFMT) != S_IFDIR
        }) { target in
            [
                JSONMember("file", .string(item.name)),
                JSONMember("rejected_as", .string(target)),
                JSONMember("error", .string(Inbox.notRegularReason(item))),
                JSONMember("path", .string("$")),
                JSONMember("rejected_at", .string(Timestamp.format(at))),
            ]
        }
    }
}
