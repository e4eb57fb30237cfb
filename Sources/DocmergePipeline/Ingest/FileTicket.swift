import DocmergeModel
import Foundation

/// Identifies one version of a file: a re-drop under the same name is a different file.
public struct FileIdentity: Sendable, Equatable {
    public let device: UInt64
    public let inode: UInt64
    public let size: Int64
    public let modifiedNanos: Int64

    public init(device: UInt64, inode: UInt64, size: Int64, modifiedNanos: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modifiedNanos = modifiedNanos
    }
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

    public init(seq: Int, name: String, path: String, identity: FileIdentity, firstSeen: Date, seenUptimeNanos: UInt64) {
        self.seq = seq
        self.name = name
        self.path = path
        self.identity = identity
        self.firstSeen = firstSeen
        self.seenUptimeNanos = seenUptimeNanos
    }
}
