import DocmergeModel

/// The patient-level decision for one document, pure: replay / stale / people-win /
/// merge, the registry checks (5–7) and the registry policy, the versions it rests on,
/// and the row changes it expects. The patient's merge actor runs it on the state it
/// holds. Returns the command and the state the patient and document will be in once it
/// commits, so the next document can be planned on top of this one. A replay is settled
/// here (nothing goes to the database). The store writes a merge with the findings planned
/// here (it does not judge the document again), after checking that the versions the plan
/// rests on did not move; it still resolves cross-document references in its transaction.
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
            documentPatients: [], registry: nil)
    }

    public static func plan(_ document: PreparedDocument, documentFindings: [Finding], patient: PatientSnapshot,
                            existing: DocumentSnapshot?, sampleRate: Double, actor: String = "pipeline",
                            movedFromVersion: Int? = nil) -> MergeDecision {
        let x = document.extraction
        let hash = document.contentHash
        func decided(_ action: MergeCommand.Action, records: Bool = false,
                     patientAfter: PatientSnapshot? = nil, documentAfter: DocumentSnapshot? = nil) -> MergeDecision {
            var after = documentAfter ?? existing
            if records { after?.seenHashes.insert(hash) }
            let command = MergeCommand(document: document, expectedPatientVersion: patient.isRegistered ? patient.version : nil,
                                       expectedDocumentVersion: existing?.version ?? movedFromVersion,
                                       recordsExtraction: records, action: action, actor: actor)
            return MergeDecision(command: command, patientAfter: patientAfter ?? patient, documentAfter: after)
        }
        // Rolled back from another patient's record: it arrives here as a new document would.
        let movedFrom = existing.map { $0.mrn != x.mrn && $0.status == .rejected && !$0.isMerged } ?? false
        if let existing, existing.mrn != x.mrn, !movedFrom {
            return decided(.refused(ExtractionError(path: "$.patient.mrn", message: "document \(x.documentID) is already merged for patient \(existing.mrn); this file names patient \(x.mrn)")))
        }
        if movedFrom, let existing {
            let fresh = plan(document, documentFindings: documentFindings, patient: patient, existing: nil,
                             sampleRate: sampleRate, actor: actor, movedFromVersion: existing.version)
            return fresh.carrying(existing)
        }
        let policy = document.thresholds.unknownPatient
        if existing == nil && !patient.isRegistered && policy == .reject {
            return decided(.refused(UnknownPatientPolicy.refusal(mrn: x.mrn)))
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
        // Checks 5–7, on the registry as this plan knows it (the version check makes sure
        // it is the registry the write finds). An unregistered patient is registered from
        // this document, so its demographics are the document's own.
        let registry: RegistryDemographics
        var registeredBy = patient.registeredBy
        if let known = patient.registry {
            registry = known
        } else {
            let d = PatientRegistration(x)
            registry = RegistryDemographics(name: d.name, birthDate: d.birthDate)
            if policy == .registerAndFlag { registeredBy = x.documentID }
        }
        let check = QualityCheck(thresholds: document.thresholds)
        var findings = documentFindings
        findings += check.conflicts(x.patientEvidence, registry)
        if registeredBy == x.documentID { findings.append(QualityCheck.newPatient(mrn: x.mrn)) }
        let status: ReviewStatus = findings.isEmpty ? .autoApproved : .flagged
        // The stored hash covers docmerge's own tags (`unverified` while flagged), as the
        // store writes them: a resource whose tag changes is a change.
        let tags = RecordTag.merged(flagged: status == .flagged)
        var current = existing?.resources ?? [:]
        var inserts: [PlannedResource] = []
        var updates: [MergeWrite.Update] = []
        var after: [String: DocumentSnapshot.Resource] = [:]
        for resource in document.plan.resources {
            let key = DocumentSnapshot.resourceKey(resource.resourceType, resource.key)
            let hash = resource.contentHash(tags: tags)
            if let old = current.removeValue(forKey: key) {
                if old.contentHash == hash { after[key] = old; continue }
                updates.append(MergeWrite.Update(resource: resource, version: old.version + 1))
                after[key] = DocumentSnapshot.Resource(resourceType: resource.resourceType, key: resource.key, fhirID: resource.fhirID,
                                                       contentHash: hash, version: old.version + 1)
            } else {
                inserts.append(resource)
                after[key] = DocumentSnapshot.Resource(resourceType: resource.resourceType, key: resource.key, fhirID: resource.fhirID,
                                                       contentHash: hash, version: 1)
            }
        }
        let deletes = current.values.sorted { ($0.resourceType, $0.key) < ($1.resourceType, $1.key) }
        let changed = !inserts.isEmpty || !updates.isEmpty || !deletes.isEmpty
        let recordVersion = patient.version + (changed ? 1 : 0)
        let write = MergeWrite(
            status: status, findings: findings, registry: registry, registeredBy: registeredBy,
            sampled: status == .autoApproved && QualitySample.isSampled(documentID: x.documentID, rate: sampleRate),
            auditAction: existing == nil ? "merge" : (existing?.contentHash == hash ? "retry_merge" : "re_merge"),
            inserts: inserts, updates: updates, deletes: deletes, recordVersionAfter: recordVersion,
            documentVersionAfter: (existing?.version ?? 0) + 1)
        let documentAfter = DocumentSnapshot(
            documentID: x.documentID, mrn: x.mrn, status: status, isMerged: true, humanDecision: false, contentHash: hash,
            extractedAt: x.extractedAtText, version: write.documentVersionAfter,
            seenHashes: (existing?.seenHashes ?? []).union([hash]), resources: after)
        return decided(.merge(write), records: !seenBefore,
                       patientAfter: PatientSnapshot(mrn: x.mrn, registry: registry, registeredBy: registeredBy, version: recordVersion),
                       documentAfter: documentAfter)
    }
}

extension MergeDecision {
    /// A document rolled back from another patient's record, planned as new: the state it
    /// will be in keeps the old row's version count and seen extractions, as the store keeps
    /// the row (it moves it to this patient).
    func carrying(_ moved: DocumentSnapshot) -> MergeDecision {
        var after = moved   // refused: the row stays as it is
        if case .merge = command.action, var planned = documentAfter {
            planned.seenHashes.formUnion(moved.seenHashes)
            planned.version = moved.version + 1
            after = planned
        }
        return MergeDecision(command: command, patientAfter: patientAfter, documentAfter: after)
    }
}
