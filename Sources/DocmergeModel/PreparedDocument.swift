import Foundation

/// A decoded, validated, planned document: everything a merge needs that does not
/// depend on the database. Built off the write path (in parallel), consumed by it.
public struct PreparedDocument: Sendable {
    public let extraction: Extraction
    public let plan: MergePlan
    /// The file as received (stored for reviewers and re-tuning).
    public let raw: [UInt8]
    /// `ContentHash` of the compact re-serialization: the same extraction, however
    /// formatted, has the same hash.
    public let contentHash: String
    public let firstSeen: Date
    public var thresholds: Thresholds {
        didSet { thresholdsJSON = thresholds.json.text }
    }
    /// The thresholds as stored with the document (computed off the write path).
    public private(set) var thresholdsJSON: String

    public init(extraction: Extraction, plan: MergePlan, raw: [UInt8], contentHash: String, firstSeen: Date,
                thresholds: Thresholds) {
        self.extraction = extraction
        self.plan = plan
        self.raw = raw
        self.contentHash = contentHash
        self.firstSeen = firstSeen
        self.thresholds = thresholds
        self.thresholdsJSON = thresholds.json.text
    }

    /// Decode, validate, plan. Throws the refusal reason for a bad file.
    public static func prepare(_ bytes: [UInt8], decoder: ExtractionDecoder, thresholds: Thresholds,
                               firstSeen: Date) throws(ExtractionError) -> PreparedDocument {
        var (extraction, root) = try decoder.decode(bytes)
        let contentHash = ContentHash.hex(streaming: root)
        root = .null
        let plan = MergePlanner.plan(extraction)
        // The plan now holds every merged resource; the decoded copies would double the
        // document's memory while it waits for the writer.
        extraction.releaseMergedResources()
        return PreparedDocument(extraction: extraction, plan: plan, raw: bytes, contentHash: contentHash,
                                firstSeen: firstSeen, thresholds: thresholds)
    }
}

/// The quality sample: a fixed fraction of auto-approved documents, chosen from the
/// document id alone, so a retry or a re-drop chooses the same way.
public enum QualitySample {
    public static func isSampled(documentID: String, rate: Double) -> Bool {
        guard rate > 0 else { return false }
        let digest = SHA256.hash(Array("quality-sample:\(documentID)".utf8))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Double(value) / 18_446_744_073_709_551_616.0 < rate
    }
}
