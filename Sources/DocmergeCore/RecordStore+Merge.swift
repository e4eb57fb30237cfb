import DocmergeModel
import DocmergeSQLite
import Foundation

extension RecordStore {
    /// Merges one document in its own transaction: the same decision the pipeline's
    /// patient actors make, on state read inside the transaction (review retry, tools).
    public func merge(_ document: PreparedDocument, actor: String = "pipeline", sampleRate: Double = 0) throws -> MergeOutcome {
        try db.writeTransaction { try planAndWrite(document, actor: actor, sampleRate: sampleRate) }
    }

    /// Several documents in one transaction, each planned on what the ones before it wrote.
    public func mergeBatch(_ documents: [PreparedDocument], actor: String = "pipeline",
                           sampleRate: Double = 0) throws -> [Result<MergeOutcome, any Error>] {
        try db.writeTransaction {
            try documents.map { document in
                try isolated { try planAndWrite(document, actor: actor, sampleRate: sampleRate) }
            }
        }
    }

    /// Group commit of planned commands: one transaction, each command inside its own
    /// savepoint, so one command's failure (its version moved, a constraint) rolls back
    /// only that command. A failure of the transaction itself throws (nothing committed).
    /// Once one of a patient's commands fails, the later ones of that patient in the batch
    /// were planned on it: they fail too, unwritten (`VersionMoved`), and are planned again.
    public func write(_ work: [MergeWork], sampleRate: Double = 0) throws -> [Result<MergeOutcome, any Error>] {
        try db.writeTransaction {
            var failed = Set<String>()
            return try work.map { item in
                if failed.contains(item.mrn) {
                    return .failure(VersionMoved(mrn: item.mrn, documentID: item.documentID))
                }
                let result = try isolated {
                    switch item {
                    case .planned(let command): try write(command)
                    case .unplanned(let document, let actor): try planAndWrite(document, actor: actor, sampleRate: sampleRate)
                    }
                }
                if case .failure = result { failed.insert(item.mrn) }
                return result
            }
        }
    }

    private func planAndWrite(_ document: PreparedDocument, actor: String, sampleRate: Double) throws -> MergeOutcome {
        let x = document.extraction
        let (patient, existing) = try snapshots(mrn: x.mrn, documentID: x.documentID)
        let decision = MergeDecision.plan(document, documentFindings: MergeDecision.documentFindings(document),
                                          patient: patient, existing: existing, sampleRate: sampleRate, actor: actor)
        return try write(decision.command)
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
            if StoreFailure.kind(of: error) != .perDocument || !db.isInTransaction { throw error }
            try db.run("ROLLBACK TO doc")
            try db.run("RELEASE doc")
            return .failure(error)
        }
    }

    struct ExistingDocument {
        let rowID: Int64
        let patientRowID: Int64
        let mrn: String
        let status: ReviewStatus
        let isMerged: Bool
        let humanDecision: Bool
        let contentHash: String
        let extractedAt: String?
        let version: Int
        let thresholds: String
    }

    func existingDocument(_ documentID: String) throws -> ExistingDocument? {
        try db.first("""
            SELECT d.id, d.patient_id, p.mrn, d.review_status, d.is_merged, d.human_decision, d.content_hash,
                   d.extracted_at, d.version, d.thresholds
            FROM documents d JOIN patients p ON p.id = d.patient_id WHERE d.document_id = ?
            """, [documentID]) {
            ExistingDocument(rowID: $0.int64(0), patientRowID: $0.int64(1), mrn: $0.text(2),
                             status: ReviewStatus(rawValue: $0.text(3)) ?? .pending, isMerged: $0.bool(4),
                             humanDecision: $0.bool(5), contentHash: $0.text(6), extractedAt: $0.optionalText(7),
                             version: $0.int(8), thresholds: $0.text(9))
        }
    }
}
