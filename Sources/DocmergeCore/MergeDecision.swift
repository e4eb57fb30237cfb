import DocmergeModel

/// The patient-level decision for one document, pure: replay / stale / people-win /
/// merge, the versions it rests on, and the row changes it expects. The patient's merge
/// actor runs it on the state it holds. Returns the command and the state the patient and
/// document will be in once it commits, so the next document can be planned on top of
/// this one. A replay is settled here (nothing goes to the database); everything else is
/// written by the store's merge, which re-reads what it needs in its transaction (the
/// registry checks, cross-document references) and refuses a plan whose versions moved.
public struct MergeDecision: Sendable {
    public let command: MergeCommand
    public let patientAfter: PatientSnapshot
    public let documentAfter: DocumentSnapshot?

    /// The checks that need only the document (confidence, fallback, resource counts):
    /// the classify stage runs them, in parallel, before the document reaches its patient.
    public static func documentFindings(_ document: PreparedDocument) -> [Finding] {
        let x = document.extraction
        return QualityCheck(thresholds: document.thresholds).evaluate(
            confidence: x.confidence, fallbackUsed: x.fallbackUsed, model: x.model, resourceCount: x.resourceCount,
            documentPatient: nil, registry: nil)
    }

    public static func plan(_ document: PreparedDocument, documentFindings: [Finding], patient: PatientSnapshot,
                            existing: DocumentSnapshot?, sampleRate: Double, actor: String = "pipeline") -> MergeDecision {
        let x = document.extraction
        let hash = document.contentHash
        func decided(_ action: MergeCommand.Action, records: Bool = false,
                     patientAfter: PatientSnapshot? = nil, documentAfter: DocumentSnapshot? = nil) -> MergeDecision {
            var after = documentAfter ?? existing
            if records { after?.seenHashes.insert(hash) }
            let command = MergeCommand(document: document, expectedPatientVersion: patient.isRegistered ? patient.version : nil,
                                       expectedDocumentVersion: existing?.version,
                                       recordsExtraction: records, action: action, actor: actor)
            return MergeDecision(command: command, patientAfter: patientAfter ?? patient, documentAfter: after)
        }
        if let existing, existing.mrn != x.mrn {
            return decided(.refused(ExtractionError(path: "$.patient.mrn", message: "document \(x.documentID) is already merged for patient \(existing.mrn); this file names patient \(x.mrn)")))
        }
        let seenBefore = existing?.seenHashes.contains(hash) ?? false
        if let existing, seenBefore {
            // A replay never changes anything, whenever it arrives — unless it is the
            // current extraction whose merge failed, which a replay retries.
            let failedCurrent = existing.contentHash == hash && !existing.isMerged && !existing.humanDecision
            if !failedCurrent { return decided(.unchanged(existing.status)) }
        }
        if let existing {
            if existing.contentHash != hash, let new = x.extractedAt,
               let current = existing.extractedAt.flatMap(Timestamp.parse), new < current {
                return decided(.stale(appliedExtractedAt: existing.extractedAt), records: !seenBefore)
            }
            if existing.humanDecision { return decided(.conflict(existing.status), records: !seenBefore) }
        }
        var registry = patient.registry
        if registry == nil {
            let d = PatientRegistration(x)
            registry = RegistryDemographics(name: d.name, birthDate: d.birthDate)
        }
        // The registry checks (5–7) run with the write, which re-reads the registry row in
        // its transaction; the prediction here needs only whether the document is flagged
        // by the document-only checks (the replay line's status).
        let findings = documentFindings
        var current = existing?.resources ?? [:]
        var inserts: [PlannedResource] = []
        var updates: [MergeWrite.Update] = []
        var after: [String: DocumentSnapshot.Resource] = [:]
        for resource in document.plan.resources {
            let key = DocumentSnapshot.resourceKey(resource.resourceType, resource.key)
            if let old = current.removeValue(forKey: key) {
                if old.contentHash == resource.contentHash { after[key] = old; continue }
                updates.append(MergeWrite.Update(resource: resource, version: old.version + 1))
                after[key] = DocumentSnapshot.Resource(resourceType: resource.resourceType, key: resource.key, fhirID: resource.fhirID,
                                                       contentHash: resource.contentHash, version: old.version + 1)
            } else {
                inserts.append(resource)
                after[key] = DocumentSnapshot.Resource(resourceType: resource.resourceType, key: resource.key, fhirID: resource.fhirID,
                                                       contentHash: resource.contentHash, version: 1)
            }
        }
        let deletes = current.values.sorted { ($0.resourceType, $0.key) < ($1.resourceType, $1.key) }
        let changed = !inserts.isEmpty || !updates.isEmpty || !deletes.isEmpty
        let recordVersion = patient.version + (changed ? 1 : 0)
        let status: ReviewStatus = findings.isEmpty ? .autoApproved : .flagged
        let write = MergeWrite(
            status: status, findings: findings,
            sampled: status == .autoApproved && QualitySample.isSampled(documentID: x.documentID, rate: sampleRate),
            auditAction: existing == nil ? "merge" : (existing?.contentHash == hash ? "retry_merge" : "re_merge"),
            inserts: inserts, updates: updates, deletes: deletes, recordVersionAfter: recordVersion,
            documentVersionAfter: (existing?.version ?? 0) + 1)
        let documentAfter = DocumentSnapshot(
            documentID: x.documentID, mrn: x.mrn, status: status, isMerged: true, humanDecision: false, contentHash: hash,
            extractedAt: x.extractedAtText, version: write.documentVersionAfter,
            seenHashes: (existing?.seenHashes ?? []).union([hash]), resources: after)
        return decided(.merge(write), records: !seenBefore,
                       patientAfter: PatientSnapshot(mrn: x.mrn, registry: registry, version: recordVersion),
                       documentAfter: documentAfter)
    }
}
