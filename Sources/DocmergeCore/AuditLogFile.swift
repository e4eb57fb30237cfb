#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel
import Foundation

/// `audit.jsonl`: the copy of the audit trail kept outside the database (one line per
/// row, appended by the runner after each commit). It lives beside the database's
/// real file, so every path that reaches the database (a symlink, a hard link in
/// another folder) finds the same log.
public enum AuditLogFile {
    public static func path(forDatabase dbPath: String) -> String {
        let real = RealPath.resolve(dbPath)
        let dir = (real as NSString).deletingLastPathComponent
        return (dir.isEmpty ? "." : dir) + "/audit.jsonl"
    }

    /// How many complete lines the log holds (0 when there is none).
    public static func lineCount(_ path: String) throws -> Int {
        guard let reader = AuditLogReader(path: path) else { return 0 }
        while try reader.next() != nil {}
        return reader.lineNumber
    }
}

/// The real path of a file, or of its folder when the file does not exist yet.
public enum RealPath {
    public static func resolve(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        let dir = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        guard let realDir = realpath(dir.isEmpty ? "." : dir, nil) else { return path }
        defer { free(realDir) }
        return String(cString: realDir) + "/" + name
    }
}

/// Reads `audit.jsonl` one complete line at a time, in bounded memory.
final class AuditLogReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the search for the next newline resumes: bytes before it (from `start`) hold none,
    /// so a line longer than a chunk is searched once, not again after every chunk.
    private var searched = 0
    private var atEnd = false
    /// 1-based number of the last line returned.
    private(set) var lineNumber = 0
    /// The file ended in the middle of a line (a runner stopped mid-append; it cuts it off on restart).
    private(set) var tornTail = false
    /// Bytes looked at for newlines (a work count for tests: about the file's size).
    private(set) var bytesSearched = 0

    init?(path: String) {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
    }

    deinit { close(fd) }

    func next() throws -> [UInt8]? {
        while true {
            let from = max(start, searched)
            if let newline = buffer[from...].firstIndex(of: 0x0A) {
                bytesSearched += newline + 1 - from
                let line = Array(buffer[start..<newline])
                start = newline + 1
                searched = start
                lineNumber += 1
                return line
            }
            bytesSearched += buffer.count - from
            searched = buffer.count
            if atEnd {
                tornTail = start < buffer.count
                return nil
            }
            buffer.removeSubrange(..<start)
            searched -= start
            start = 0
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw DocmergeError(.failure, "Cannot read audit.jsonl: \(String(cString: strerror(errno))).")
            }
            if n == 0 { atEnd = true } else { buffer.append(contentsOf: chunk[..<n]) }
        }
    }
}

extension AuditRow {
    /// A line of `audit.jsonl` read back; nil when it is not one this program wrote
    /// (the fields re-serialize to exactly the line).
    init?(jsonLine line: [UInt8]) {
        guard let value = try? JSONParser.parse(line), case .object = value,
              let seq = value["seq"]?.numberValue, let at = value["at"]?.stringValue,
              let actor = value["actor"]?.stringValue, let action = value["action"]?.stringValue,
              let detail = value["detail"], case .object = detail,
              let prev = value["prev_hash"]?.stringValue, let hash = value["hash"]?.stringValue else { return nil }
        self.init(seq: Int(seq), at: at, actor: actor, action: action, mrn: value["mrn"]?.stringValue,
                  documentID: value["document_id"]?.stringValue, detail: detail.text, prevHash: prev, hash: hash)
        guard Array(jsonLine.utf8) == line else { return nil }
    }

    /// Its hash recomputed from its fields.
    var hashIsValid: Bool {
        hash == AuditRow.chainHash(prev: prevHash, seq: seq, at: at, actor: actor, action: action, mrn: mrn,
                                   documentID: documentID, detail: detail)
    }
}
