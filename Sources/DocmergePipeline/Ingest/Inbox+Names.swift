#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel
import Foundation

/// File names that would otherwise be stuck: names that are not valid UTF-8 (no
/// `String` can name them, so they were never read nor moved), and names so long that
/// a clash suffix or the `NAME.error.json.tmp` beside them passes the 255-byte limit
/// of a file name (the move failed, and was retried forever).
extension Inbox {
    /// Longest name a file may take in processed/ (the file system's limit) and in
    /// rejected/ (leaving room for `.error.json` instead of `.json`, and `.tmp`).
    static let processedNameLimit = 255
    static let rejectedNameLimit = 245

    /// `name` itself when it fits in `limit` bytes, else its start, `~`, 8 hex digits of a
    /// hash of the whole name (distinct long names stay distinct) and its extension.
    static func fitted(_ name: String, limit: Int) -> String {
        guard name.utf8.count > limit else { return name }
        let dot = name.lastIndex(of: ".").flatMap { name.utf8.distance(from: $0, to: name.endIndex) <= 16 ? $0 : nil }
        let ext = dot.map { String(name[$0...]) } ?? ""
        let tag = "~" + Array(SHA256.hash(Array(name.utf8)).prefix(4)).hexString
        var stem = String(name[..<(dot ?? name.endIndex)])
        while stem.utf8.count + tag.utf8.count + ext.utf8.count > limit, !stem.isEmpty { stem.removeLast() }
        return stem + tag + ext
    }

    /// The bytes of a name as ASCII: `%XX` for every byte outside printable ASCII and for `%`.
    static func escaped(_ bytes: [UInt8]) -> String {
        var out = ""
        for byte in bytes {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "%") && byte != UInt8(ascii: "/") {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// Moves a file whose name is not valid UTF-8 to rejected/ under its escaped name,
    /// unread, with the explanation beside it. Returns the name it took.
    func rejectUndecodableName(_ bytes: [UInt8], at: Date) throws -> String? {
        let source = (Array(root.utf8) + [UInt8(ascii: "/")] + bytes + [0]).map { CChar(bitPattern: $0) }
        let safe = Inbox.escaped(bytes)
        return try moveToRejected(source, as: safe, isStillThere: {
            var info = stat()
            return lstat(source, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        }) { target in
            [
                JSONMember("file", .string(safe)),
                JSONMember("file_name_bytes", .string(bytes.hexString)),
                JSONMember("rejected_as", .string(target)),
                JSONMember("error", .string("the file name is not valid UTF-8, so the file was not read; rename it and drop it again")),
                JSONMember("path", .string("$")),
                JSONMember("rejected_at", .string(Timestamp.format(at))),
            ]
        }
    }
}
