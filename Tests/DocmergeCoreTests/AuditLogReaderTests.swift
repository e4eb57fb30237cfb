@testable import DocmergeCore
import DocmergeTestSupport
import Foundation
import Testing

/// `audit.jsonl` read a line at a time: a line longer than the reader's chunk (a merge row
/// that lists 100,000 resources is about 9 MB) is searched for its end once, not once per chunk.
@Suite struct AuditLogReaderTests {
    @Test func aLineLongerThanAChunkIsSearchedOnce() throws {
        let dir = TemporaryDirectory("docmerge-auditlog")
        let long = [UInt8](repeating: 0x61, count: 3_500_000)
        let file: [UInt8] = Array("short\n".utf8) + long + [0x0A] + Array("after\n".utf8) + Array("torn".utf8)
        try Data(file).write(to: URL(fileURLWithPath: dir.file("audit.jsonl")))
        let reader = try #require(AuditLogReader(path: dir.file("audit.jsonl")))
        #expect(try reader.next() == Array("short".utf8))
        #expect(try reader.next() == long)
        #expect(try reader.next() == Array("after".utf8))
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
        #expect(reader.lineNumber == 3 && reader.tornTail)
        #expect(reader.bytesSearched == file.count, "\(file.count) bytes, \(reader.bytesSearched) searched")
    }
}
