import DocmergeModel
import DocmergeSQLite

extension RecordStore {
    /// The patient's record as a FHIR R4 Bundle of type `collection`: the registry
    /// Patient first, then every merged resource, stored bytes copied as they are.
    public func bundle(mrn: String) throws -> [UInt8] {
        try db.readTransaction {
            guard let patient = try db.first("SELECT id, fhir_id, resource, version, last_updated FROM patients WHERE mrn = ?", [mrn], {
                (rowID: $0.int64(0), fhirID: $0.text(1), resource: $0.bytes(2), version: $0.int(3), updated: $0.text(4))
            }) else {
                throw DocmergeError(.notFound, "No patient with MRN \(mrn) in the registry.")
            }
            var out: [UInt8] = []
            out.reserveCapacity(64 * 1024)
            out.append(contentsOf: "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"meta\":{\"versionId\":\"\(patient.version)\",\"lastUpdated\":\"\(patient.updated)\"},\"timestamp\":\"\(timestamp())\",\"entry\":[".utf8)
            out.append(contentsOf: "{\"fullUrl\":\"urn:docmerge:Patient/".utf8)
            out.append(contentsOf: patient.fhirID.utf8)
            out.append(contentsOf: "\",\"resource\":".utf8)
            out.append(contentsOf: patient.resource)
            out.append(UInt8(ascii: "}"))
            try db.forEach("SELECT resource_type, fhir_id, body FROM resources WHERE patient_id = ? ORDER BY id", [patient.rowID]) { row in
                out.append(contentsOf: ",{\"fullUrl\":\"urn:docmerge:".utf8)
                out.append(contentsOf: row.text(0).utf8)
                out.append(UInt8(ascii: "/"))
                out.append(contentsOf: row.text(1).utf8)
                out.append(contentsOf: "\",\"resource\":".utf8)
                row.appendBytes(2, to: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(contentsOf: "]}".utf8)
            return out
        }
    }

    /// Every merged resource of the patient: (type/id, stored bytes), in write order.
    public func resourceBodies(mrn: String) throws -> [(reference: String, body: [UInt8])] {
        try db.query("""
            SELECT r.resource_type || '/' || r.fhir_id, r.body FROM resources r JOIN patients p ON p.id = r.patient_id
            WHERE p.mrn = ? ORDER BY r.id
            """, [mrn]) { ($0.text(0), $0.bytes(1)) }
    }
}
