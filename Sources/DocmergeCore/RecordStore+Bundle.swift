import DocmergeModel
import DocmergeSQLite

/// How a record is exported.
public struct BundleOptions: Sendable {
    /// The RESTful base of every `fullUrl` (`<base>/<Type>/<id>`), without a trailing slash.
    public var base: String = RecordCodes.defaultBase
    /// Leave out the resources of flagged documents (and their generated resources).
    public var verifiedOnly = false
    public init() {}

    /// An `http(s)://` URL a RESTful fullUrl can be built on, else nil.
    public static func validBase(_ text: String) -> String? {
        let base = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard base.hasPrefix("http://") || base.hasPrefix("https://"), base.count > 8,
              !base.contains("?"), !base.contains("#"), !base.contains(" ") else { return nil }
        return base
    }
}

public struct ExportedBundle: Sendable {
    public let bytes: [UInt8]
    /// Unverified resources left out by `verifiedOnly`, and the documents they came from.
    public let leftOut: Int
    public let leftOutDocuments: Int
}

extension RecordStore {
    /// The patient's record as a FHIR R4 Bundle of type `collection`: the registry Patient
    /// first, then every merged resource (stored bytes copied as they are), then per merged
    /// document a `DocumentReference` and a `Provenance` (tagged `generated`). Every fullUrl
    /// is `<base>/<Type>/<id>`, so the record's relative references resolve by FHIR's rules.
    public func bundle(mrn: String) throws -> [UInt8] { try export(mrn: mrn, BundleOptions()).bytes }

    public func export(mrn: String, _ options: BundleOptions) throws -> ExportedBundle {
        try db.readTransaction {
            guard let patient = try db.first("SELECT id, fhir_id, resource, version, last_updated FROM patients WHERE mrn = ?", [mrn], {
                (rowID: $0.int64(0), fhirID: $0.text(1), resource: $0.bytes(2), version: $0.int(3), updated: $0.text(4))
            }) else {
                throw DocmergeError(.notFound, "No patient with MRN \(mrn) in the registry.")
            }
            let patientReference = "Patient/" + patient.fhirID
            var documents = try db.query("""
                SELECT document_id, document_name, coalesce(uploaded_at, created_at), model, fallback_used,
                       coalesce(classified_as, CASE WHEN flag_codes = '' THEN 'auto_approved' ELSE 'flagged' END), flag_reason,
                       review_status, review_action, reviewed_by, version, updated_at
                FROM documents WHERE patient_id = ? ORDER BY arrival, id
                """, [patient.rowID]) { r in
                (status: r.text(7), provenance: DocumentProvenance(
                    documentID: r.text(0), documentName: r.optionalText(1), uploadedAt: r.text(2), model: r.text(3),
                    fallbackUsed: r.bool(4), flagged: r.text(5) == "flagged", flagReason: r.optionalText(6),
                    reviewAction: r.optionalText(8), reviewedBy: r.optionalText(9), version: r.int(10), updatedAt: r.text(11),
                    patientReference: patientReference, targets: []))
            }
            let index = Dictionary(documents.enumerated().map { ($1.provenance.documentID, $0) }, uniquingKeysWith: { a, _ in a })
            let flagged = Set(documents.filter { $0.status == "flagged" }.map(\.provenance.documentID))
            var out: [UInt8] = []
            out.reserveCapacity(64 * 1024)
            out.append(contentsOf: "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"meta\":{\"versionId\":\"\(patient.version)\",\"lastUpdated\":\"\(patient.updated)\"},\"timestamp\":\"\(timestamp())\",\"entry\":[".utf8)
            appendEntry(options.base, "Patient", patient.fhirID, patient.resource, to: &out)
            var leftOut = 0
            var leftOutDocuments = Set<String>()
            try db.forEach("SELECT resource_type, fhir_id, body, document_id, version_id FROM resources WHERE patient_id = ? ORDER BY id",
                           [patient.rowID]) { row in
                let documentID = row.text(3)
                if options.verifiedOnly && flagged.contains(documentID) {
                    leftOut += 1
                    leftOutDocuments.insert(documentID)
                    return
                }
                out.append(UInt8(ascii: ","))
                appendEntry(options.base, row.text(0), row.text(1), row.bytes(2), to: &out)
                if let i = index[documentID] { documents[i].provenance.targets.append("\(row.text(0))/\(row.text(1))/_history/\(row.int(4))") }
            }
            for document in documents where !document.provenance.targets.isEmpty {
                let p = document.provenance
                out.append(UInt8(ascii: ","))
                appendEntry(options.base, "DocumentReference", p.documentReferenceID, p.documentReference.bytes, to: &out)
                out.append(UInt8(ascii: ","))
                appendEntry(options.base, "Provenance", p.provenanceID, p.provenance.bytes, to: &out)
            }
            out.append(contentsOf: "]}".utf8)
            return ExportedBundle(bytes: out, leftOut: leftOut, leftOutDocuments: leftOutDocuments.count)
        }
    }

    private func appendEntry(_ base: String, _ type: String, _ id: String, _ resource: [UInt8], to out: inout [UInt8]) {
        out.append(contentsOf: "{\"fullUrl\":".utf8)
        JSONWriter.writeString("\(base)/\(type)/\(id)", into: &out)
        out.append(contentsOf: ",\"resource\":".utf8)
        out.append(contentsOf: resource)
        out.append(UInt8(ascii: "}"))
    }

    /// Every merged resource of the patient: (type/id, stored bytes), in write order.
    public func resourceBodies(mrn: String) throws -> [(reference: String, body: [UInt8])] {
        try db.query("""
            SELECT r.resource_type || '/' || r.fhir_id, r.body FROM resources r JOIN patients p ON p.id = r.patient_id
            WHERE p.mrn = ? ORDER BY r.id
            """, [mrn]) { ($0.text(0), $0.bytes(1)) }
    }
}
