import DocmergeModel
import Foundation

/// What to generate.
public struct WorkloadSpec: Sendable, Codable {
    public var documents = 1000
    public var patients = 200
    public var seed: UInt64 = 42
    public var maxEntries = 30
    public var lowConfidence = 0.04
    public var fallback = 0.02
    public var empty = 0.01
    public var fewResources = 0.03
    public var birthDateConflict = 0.01
    public var differentPerson = 0.01
    public var nameVariant = 0.05
    public var unknownPatient = 0.02
    public var redrop = 0.03
    public var reextraction = 0.03
    public var staleLate = 0.01
    public var malformed = 0.02
    /// Skew of documents over patients (0: uniform).
    public var zipfExponent = 1.1
    /// Share of documents that go to one hot patient (the rest follow the Zipf skew).
    public var hotShare = 0.0
    public init() {}

    enum CodingKeys: String, CodingKey {
        case documents, patients, seed, maxEntries, lowConfidence, fallback, empty, fewResources, birthDateConflict
        case differentPerson, nameVariant, unknownPatient, redrop, reextraction, staleLate, malformed
    }
}

/// The correct final state, computed by the generator from what it generated (not by
/// running any of the pipeline's code).
public struct ExpectedState: Codable, Sendable {
    public struct Document: Codable, Sendable, Equatable {
        public var mrn: String
        /// Resources of the final extraction (entries that are not Patient).
        public var resources: Int
        /// Flag codes the final extraction must get, sorted.
        public var flags: [String]
    }

    public var documents: [String: Document] = [:]
    /// Files in drop order, and the ones that must be refused.
    public var files: [String] = []
    public var refused: Set<String> = []
    public var registered: [String] = []
    public var unknownPatients: Set<String> = []
}

public struct GeneratedFile: Sendable {
    public let name: String
    public let bytes: [UInt8]
}

public struct Workload: Sendable {
    public let files: [GeneratedFile]
    public let registryCSV: String
    public let expected: ExpectedState

    /// Writes `registry.csv` and `expected.json` into `dir` (not the files: drivers drop those).
    public func writeMetadata(to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(registryCSV.utf8).write(to: URL(fileURLWithPath: dir + "/registry.csv"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(expected).write(to: URL(fileURLWithPath: dir + "/expected.json"))
    }

    public var totalBytes: Int { files.reduce(0) { $0 + $1.bytes.count } }
}
