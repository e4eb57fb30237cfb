import DocmergeConcurrency
import DocmergeCore
import DocmergeModel

/// Reads a patient's and a document's state for the merge actors, on its own
/// read-only connection and serial queue, so loading never waits for a commit (WAL).
public actor StoreReader {
    private let executor = SerialQueueExecutor(label: "docmerge.reader")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let dbPath: String
    private var store: RecordStore?

    public init(dbPath: String) { self.dbPath = dbPath }

    /// Statements run on the read connection (the benchmark's cost per document).
    public var statementsRun: Int { store?.statementsRun ?? 0 }

    private func open() throws -> RecordStore {
        if let store { return store }
        let opened = try RecordStore(path: dbPath, readOnly: true)
        store = opened
        return opened
    }

    public func snapshots(mrn: String, documentID: String) throws -> (PatientSnapshot, DocumentSnapshot?) {
        do {
            return try open().snapshots(mrn: mrn, documentID: documentID)
        } catch {
            store = nil
            throw error
        }
    }

    public func document(_ documentID: String) throws -> DocumentSnapshot? {
        do {
            return try open().documentSnapshot(documentID: documentID)
        } catch {
            store = nil
            throw error
        }
    }
}
