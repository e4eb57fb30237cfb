#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel
import Foundation

/// Names in the inbox that are not regular files: a symbolic link (never followed, so never
/// read), a named pipe, a socket, a device, a folder. None of them is a document; each is
/// said, and all but a folder are moved to `rejected/` as they are (a link is moved, not
/// what it points to), so nothing waits in the inbox unexplained.
extension Inbox {
    public struct NotRegular: Sendable, Equatable {
        public let name: String
        /// "a symbolic link", "a named pipe", "a socket", "a device", "a folder".
        public let kind: String
        public var isFolder: Bool { kind == "a folder" }
    }

    public func notRegularFiles() -> [NotRegular] {
        guard let dir = opendir(root) else { return [] }
        defer { closedir(dir) }
        var found: [NotRegular] = []
        while let entry = readdir(dir) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            guard let name = String(validating: bytes, as: UTF8.self), name != ".", name != "..",
                  name != "processed", name != "rejected", !Inbox.isIgnored(name) else { continue }
            var info = stat()
            guard lstat(root + "/" + name, &info) == 0 else { continue }
            let kind: String
            switch info.st_mode & S_IFMT {
            case S_IFREG: continue
            case S_IFLNK: kind = "a symbolic link"
            case S_IFIFO: kind = "a named pipe"
            case S_IFSOCK: kind = "a socket"
            case S_IFDIR: kind = "a folder"
            default: kind = "a device"
            }
            found.append(NotRegular(name: name, kind: kind))
        }
        return found.sorted { $0.name < $1.name }
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
