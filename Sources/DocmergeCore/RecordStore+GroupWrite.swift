import DocmergeModel
import DocmergeSQLite

extension RecordStore {
    /// Group commit of the pipeline's work: one transaction, each item inside its own
    /// savepoint, so one item's failure (its version moved, a constraint) rolls back only
    /// that item. Once one of a patient's items fails, the later ones of that patient in
    /// the batch were planned on it: they fail too, unwritten (`VersionMoved`), and are
    /// planned again. A failure of the transaction itself throws (nothing committed).
    public func write(_ work: [MergeWork], sampleRate: Double = 0) throws -> [Result<MergeOutcome, any Error>] {
        try db.writeTransaction {
            try patientByPatient(work) { item in
                try isolated {
                    switch item {
                    case .planned(let command): try write(command, sampleRate: sampleRate)
                    case .unplanned(let document, let actor): try applyMerge(document, actor: actor, sampleRate: sampleRate)
                    }
                }
            }
        }
    }

    /// Each item in its own transaction (when a group commit keeps failing on a full disk
    /// or I/O, so one large document cannot hold back the others), under the same rule: a
    /// patient's items after one that failed are not written.
    public func writeEachAlone(_ work: [MergeWork], sampleRate: Double = 0) -> [Result<MergeOutcome, any Error>] {
        patientByPatient(work) { item in Result { try write([item], sampleRate: sampleRate)[0].get() } }
    }

    /// Once one of a patient's items fails, its later items were planned on it: they fail
    /// unwritten (`VersionMoved`) and are planned again.
    private func patientByPatient(_ work: [MergeWork], _ body: (MergeWork) throws -> Result<MergeOutcome, any Error>)
        rethrows -> [Result<MergeOutcome, any Error>] {
        var failed = Set<String>()
        return try work.map { item in
            if failed.contains(item.mrn) { return .failure(VersionMoved(mrn: item.mrn, documentID: item.documentID)) }
            let result = try body(item)
            if case .failure = result { failed.insert(item.mrn) }
            return result
        }
    }

    /// Runs `body` in a savepoint: its error rolls back only its own writes and is
    /// returned; an error that dooms the whole transaction is rethrown.
    private func isolated(_ body: () throws -> MergeOutcome) throws -> Result<MergeOutcome, any Error> {
        try db.run("SAVEPOINT doc")
        do {
            let outcome = try body()
            try db.run("RELEASE doc")
            return .success(outcome)
        } catch {
            if StoreFailure.kind(of: error) == .retryable || StoreFailure.kind(of: error) == .fatal || !db.isInTransaction {
                throw error
            }
            try db.run("ROLLBACK TO doc")
            try db.run("RELEASE doc")
            return .failure(error)
        }
    }
}
