import DocmergeModel

/// One difference between a held extraction and the record.
public struct ConflictChange: Sendable, Equatable {
    public enum Kind: String, Sendable { case added, removed, changed }
    public let kind: Kind
    /// `Type/id` in the record.
    public let reference: String
    /// `EntryDescription` of the resource in the record now / as the extraction has it.
    public let before: String?
    public let after: String?

    static func describe(_ body: [UInt8]) -> String {
        EntryDescription.describe((try? JSONParser.parse(body)) ?? .null)
    }

    public var json: JSON {
        .object([JSONMember("change", .string(kind.rawValue)), JSONMember("reference", .string(reference)),
                 JSONMember("before", before.map(JSON.string) ?? .null), JSONMember("after", after.map(JSON.string) ?? .null)])
    }
}

extension ExtractionDecoder {
    /// For extractions already accepted once (stored ones): no size or depth limit beyond
    /// what the runner applied when they arrived.
    public static let lenient = ExtractionDecoder(maxBytes: .max, maxDepth: 512)
}
