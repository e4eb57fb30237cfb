import DocmergeModel
import Foundation

/// Identifies one version of a file: a re-drop under the same name is a different file.
public struct FileIdentity: Sendable, Equatable {
    public let device: UInt64
    public let inode: UInt64
    public let size: Int64
    public let modifiedNanos: Int64
}

/// A file taken from the inbox, numbered in arrival order.
public struct FileTicket: Sendable {
    public let seq: Int
    public let name: String
    public let path: String
    public let identity: FileIdentity
    public let firstSeen: Date
    public let seenUptimeNanos: UInt64
    /// Bytes of the in-flight memory budget it holds (`DocumentMemory.charge`).
    public var cost = 0
}

/// A ticket after decoding.
public enum DecodedItem: Sendable {
    case prepared(FileTicket, PreparedDocument)
    case refused(FileTicket, reason: String, path: String, documentID: String?)
    /// The file disappeared before it could be read: not an error.
    case vanished(FileTicket)

    public var ticket: FileTicket {
        switch self {
        case .prepared(let t, _), .refused(let t, _, _, _), .vanished(let t): t
        }
    }
}
