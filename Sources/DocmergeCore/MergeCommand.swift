import DocmergeModel

/// The row changes a patient's merge actor planned for one document, and the versions
/// they were planned against. The store writes them in its transaction after checking,
/// per patient, that nothing moved since (`UPDATE … WHERE version = ?`); if something
/// did, the command fails alone with `.versionMoved` and the actor plans again.
public struct MergeCommand: Sendable {
    public enum Action: Sendable {
        /// A replay: nothing to write.
        case unchanged(ReviewStatus)
        /// An older extraction arrived late: its audit row only.
        case stale(appliedExtractedAt: String?)
        /// A person decided: the new extraction is recorded as a conflict, not applied.
        case conflict(ReviewStatus)
        /// Refused by a rule that needs the record (document of another patient, registry policy).
        case refused(ExtractionError)
        case merge(MergeWrite)
    }

    public let document: PreparedDocument
    public var mrn: String { document.extraction.mrn }
    public var documentID: String { document.extraction.documentID }
    /// The record version planned against; nil: the patient is not registered yet (the
    /// write registers it, under the registry policy).
    public let expectedPatientVersion: Int?
    /// The document version planned against; nil: the document is new.
    public let expectedDocumentVersion: Int?
    /// This extraction's first arrival (recorded so a late replay of it changes nothing).
    public let recordsExtraction: Bool
    public let action: Action
    public let actor: String
}

/// A merge's writes: the resources to insert, update and delete, the document row.
public struct MergeWrite: Sendable {
    public struct Update: Sendable {
        public let resource: PlannedResource
        public let version: Int
    }

    public let status: ReviewStatus
    /// Judged on `registry` and `registeredBy`: the store writes them only if the patient's
    /// row holds exactly that (else the command is planned again).
    public let findings: [Finding]
    /// The registry row the findings were judged on (the document's own demographics when
    /// the write registers the patient).
    public let registry: RegistryDemographics
    /// The document the row says registered the patient under `register_and_flag`.
    public let registeredBy: String?
    public let sampled: Bool
    /// "merge", "re_merge" or "retry_merge".
    public let auditAction: String
    public let inserts: [PlannedResource]
    public let updates: [Update]
    public let deletes: [DocumentSnapshot.Resource]
    public let recordVersionAfter: Int
    public let documentVersionAfter: Int
}

/// What the store is asked to write for one document: a command a patient actor
/// planned, or a document to plan inside the transaction itself (the fallback when a
/// patient's record keeps moving under its actor's plans).
public enum MergeWork: Sendable {
    case planned(MergeCommand)
    case unplanned(PreparedDocument, actor: String)

    public var mrn: String {
        switch self {
        case .planned(let command): command.mrn
        case .unplanned(let document, _): document.extraction.mrn
        }
    }

    public var documentID: String {
        switch self {
        case .planned(let command): command.documentID
        case .unplanned(let document, _): document.extraction.documentID
        }
    }
}
