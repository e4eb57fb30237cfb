@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation

/// A real database file in a fresh temporary directory (WAL needs a file).
final class TestStore {
    let dir = TemporaryDirectory("docmerge-core")
    let store: RecordStore
    var path: String { dir.file("records.sqlite") }

    init(now: @escaping @Sendable () -> Date = { Date() }) throws {
        store = try RecordStore(path: dir.file("records.sqlite"), now: now)
    }

    /// Tests of other behaviour register an unknown patient without check 7 (today's
    /// `register`); `UnknownPatientTests` covers the default `register_and_flag`.
    var unknownPatient = UnknownPatientPolicy.register

    func merge(_ builder: DocumentBuilder, sampleRate: Double = 0) throws -> MergeOutcome {
        try store.merge(try builder.prepared(thresholds: Thresholds(unknownPatient: unknownPatient)), sampleRate: sampleRate)
    }

    func mergedResult(_ builder: DocumentBuilder) throws -> MergeResult {
        guard case .merged(let result) = try merge(builder) else { throw DocmergeError(.failure, "not merged") }
        return result
    }

    func count(_ sql: String, _ values: String...) throws -> Int {
        try store.db.first(sql, values) { $0.int(0) } ?? -1
    }

    func patientVersion(_ mrn: String) throws -> Int { try store.patient(mrn: mrn)?.version ?? -1 }

    /// Every resource row: reference → (version, bytes).
    func snapshot(_ mrn: String) throws -> [String: [UInt8]] {
        Dictionary(uniqueKeysWithValues: try store.resourceBodies(mrn: mrn).map { ($0.reference, $0.body) })
    }
}

