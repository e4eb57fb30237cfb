/// What the record knows about one merged document, for the resources docmerge generates
/// for it (the IHE mXDE pattern): a `DocumentReference` for the uploaded document and one
/// `Provenance` whose targets are the resources merged from it.
public struct DocumentProvenance: Sendable {
    public var documentID: String
    public var documentName: String?
    /// When the document was uploaded (else when docmerge first merged it).
    public var uploadedAt: String
    public var model: String
    public var fallbackUsed: Bool
    /// The automatic quality outcome: flagged (with `flagReason`) or auto-approved.
    public var flagged: Bool
    public var flagReason: String?
    /// `mark_correct`, `correct` or nil (not reviewed).
    public var reviewAction: String?
    public var reviewedBy: String?
    /// The document's version and last change: the generated resources' versionId and lastUpdated.
    public var version: Int
    public var updatedAt: String
    public var patientReference: String
    /// The document's resources, versioned: `Type/id/_history/n`.
    public var targets: [String]

    public init(documentID: String, documentName: String?, uploadedAt: String, model: String, fallbackUsed: Bool,
                flagged: Bool, flagReason: String?, reviewAction: String?, reviewedBy: String?, version: Int,
                updatedAt: String, patientReference: String, targets: [String]) {
        self.documentID = documentID
        self.documentName = documentName
        self.uploadedAt = uploadedAt
        self.model = model
        self.fallbackUsed = fallbackUsed
        self.flagged = flagged
        self.flagReason = flagReason
        self.reviewAction = reviewAction
        self.reviewedBy = reviewedBy
        self.version = version
        self.updatedAt = updatedAt
        self.patientReference = patientReference
        self.targets = targets
    }

    public var documentReferenceID: String { ResourceIdentity.generatedID(documentID: documentID, resourceType: "DocumentReference") }
    public var provenanceID: String { ResourceIdentity.generatedID(documentID: documentID, resourceType: "Provenance") }

    /// `merge`, `corrected` or `verified`, with its display.
    public var activity: (code: String, display: String) {
        switch reviewAction {
        case "mark_correct": ("verified", "Verified: a person checked the extracted data against the document")
        case "correct": ("corrected", "Corrected: a person replaced the extracted data")
        default: ("merge", "Merged into the record from the uploaded document")
        }
    }

    /// What the steward did: the activity, or `refiled` (moved to this patient's record).
    var stewardRole: (code: String, display: String) {
        reviewAction == "refile" ? ("refiled", "Refiled: a person moved the document to this patient's record") : activity
    }

    private func meta() -> JSON {
        .object([JSONMember("source", .string(ResourceIdentity.source(documentID: documentID))),
                 JSONMember("versionId", .string(String(version))), JSONMember("lastUpdated", .string(updatedAt)),
                 JSONMember("tag", .array([RecordTag.generated.coding]))])
    }

    public var documentReference: JSON {
        let title = documentName ?? documentID
        return .object([
            JSONMember("resourceType", .string("DocumentReference")), JSONMember("id", .string(documentReferenceID)),
            JSONMember("meta", meta()),
            JSONMember("masterIdentifier", .object([JSONMember("system", .string(RecordCodes.documentIDSystem)),
                                                    JSONMember("value", .string(documentID))])),
            JSONMember("status", .string("current")),
            JSONMember("subject", .object([JSONMember("reference", .string(patientReference))])),
            JSONMember("date", .string(uploadedAt)),
            JSONMember("description", .string("Uploaded document \(title)")),
            JSONMember("content", .array([.object([JSONMember("attachment", .object([
                JSONMember("title", .string(title)), JSONMember("creation", .string(uploadedAt))]))])])),
        ])
    }

    public var provenance: JSON {
        let outcome = flagged
            ? RecordCodes.coding("flagged", "Flagged for review by the automatic quality checks")
            : RecordCodes.coding("auto-approved", "Auto-approved: every automatic quality check passed")
        var agents: [JSON] = [.object([
            JSONMember("type", participant("assembler", "Assembler")),
            JSONMember("who", .object([JSONMember("display", .string("extraction model \(model)" + (fallbackUsed ? " (fallback model)" : "")))])),
        ])]
        if let reviewedBy, reviewAction != nil {
            agents.append(.object([
                JSONMember("type", participant("verifier", "Verifier")),
                JSONMember("role", .array([.object([JSONMember("coding", .array([RecordCodes.coding(stewardRole.code, stewardRole.display)]))])])),
                JSONMember("who", .object([JSONMember("display", .string("data steward \(reviewedBy)"))])),
            ]))
        }
        return .object([
            JSONMember("resourceType", .string("Provenance")), JSONMember("id", .string(provenanceID)),
            JSONMember("meta", meta()),
            JSONMember("extension", .array([.object([
                JSONMember("url", .string(RecordCodes.qualityOutcomeExtension)),
                JSONMember("valueCodeableConcept", .object([
                    JSONMember("coding", .array([outcome])),
                    JSONMember("text", .string(flagged ? (flagReason ?? "flagged") : "auto-approved")),
                ])),
            ])])),
            JSONMember("target", .array(targets.map { .object([JSONMember("reference", .string($0))]) })),
            JSONMember("recorded", .string(updatedAt)),
            JSONMember("activity", .object([JSONMember("coding", .array([RecordCodes.coding(activity.code, activity.display)]))])),
            JSONMember("agent", .array(agents)),
            JSONMember("entity", .array([.object([
                JSONMember("role", .string("source")),
                JSONMember("what", .object([JSONMember("reference", .string("DocumentReference/\(documentReferenceID)")),
                                            JSONMember("display", .string(documentName ?? documentID))])),
            ])])),
        ])
    }

    private func participant(_ code: String, _ display: String) -> JSON {
        .object([JSONMember("coding", .array([.object([
            JSONMember("system", .string("http://terminology.hl7.org/CodeSystem/provenance-participant-type")),
            JSONMember("code", .string(code)), JSONMember("display", .string(display))])]))])
    }
}
