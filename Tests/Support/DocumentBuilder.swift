import DocmergeModel
import Foundation

/// Builds extraction files in the ingest format (`docmerge.extraction/v1`) for tests,
/// the stress generator and the benchmark.
public struct DocumentBuilder: Sendable {
    public var documentID: String
    public var documentName: String?
    public var mrn: String
    public var patientName: String? = "Jane Q. Doe"
    public var patientBirthDate: String? = "1950-03-02"
    public var confidence: Double = 0.97
    public var model = "claude-3-5-sonnet"
    public var fallbackUsed = false
    public var extractedAt: String? = "2026-11-28T10:16:02Z"
    public var uploadedAt: String?
    public var entries: [JSON] = []

    public init(id: String, mrn: String) {
        documentID = id
        self.mrn = mrn
        documentName = "\(id).pdf"
    }

    /// A document with `count` Conditions (ids c0…), each MedicationStatement pointing at one.
    public static func clinical(id: String, mrn: String, conditions: Int = 3, medications: Int = 2) -> DocumentBuilder {
        var b = DocumentBuilder(id: id, mrn: mrn)
        for i in 0..<conditions { b.entries.append(condition(id: "c\(i)", code: String(44_054_006 + i), display: "Condition \(i) of \(id)")) }
        for i in 0..<medications {
            b.entries.append(medication(text: "Medication \(i) of \(id)", reason: conditions > 0 ? "Condition/c\(i % conditions)" : nil))
        }
        return b
    }

    public mutating func addPatientEntry(name family: String, given: [String], birthDate: String?, id: String? = nil,
                                         fullUrl: String? = nil) {
        var resource: [JSONMember] = [JSONMember("resourceType", .string("Patient"))]
        if let id { resource.append(JSONMember("id", .string(id))) }
        resource.append(JSONMember("name", .array([.object([JSONMember("family", .string(family)),
                                                             JSONMember("given", .array(given.map(JSON.string)))])])))
        if let birthDate { resource.append(JSONMember("birthDate", .string(birthDate))) }
        var entry = [JSONMember("resource", .object(resource)), JSONMember("snippet", .string("Patient: \(family)"))]
        if let fullUrl { entry.append(JSONMember("fullUrl", .string(fullUrl))) }
        entries.insert(.object(entry), at: 0)
    }

    public static func condition(id: String?, code: String, display: String) -> JSON {
        var resource: [JSONMember] = [JSONMember("resourceType", .string("Condition"))]
        if let id { resource.append(JSONMember("id", .string(id))) }
        resource += [
            JSONMember("code", .object([JSONMember("coding", .array([.object([
                JSONMember("system", .string("http://snomed.info/sct")), JSONMember("code", .string(code)),
                JSONMember("display", .string(display))])]))])),
            JSONMember("subject", .object([JSONMember("reference", .string("Patient/unknown"))])),
            JSONMember("onsetDateTime", .string("2015")),
        ]
        return .object([JSONMember("resource", .object(resource)), JSONMember("snippet", .string(display)),
                        JSONMember("confidence", .number("0.97"))])
    }

    public static func medication(text: String, reason: String?) -> JSON {
        var resource: [JSONMember] = [
            JSONMember("resourceType", .string("MedicationStatement")), JSONMember("status", .string("active")),
            JSONMember("medicationCodeableConcept", .object([JSONMember("text", .string(text))])),
            JSONMember("subject", .object([JSONMember("reference", .string("Patient/unknown"))])),
        ]
        if let reason {
            resource.append(JSONMember("reasonReference", .array([.object([JSONMember("reference", .string(reason))])])))
        }
        return .object([JSONMember("resource", .object(resource)), JSONMember("snippet", .string(text))])
    }

    public var json: JSON {
        var document: [JSONMember] = [JSONMember("id", .string(documentID))]
        if let documentName { document.append(JSONMember("name", .string(documentName))) }
        if let uploadedAt { document.append(JSONMember("uploaded_at", .string(uploadedAt))) }
        var patient: [JSONMember] = [JSONMember("mrn", .string(mrn))]
        if let patientName { patient.append(JSONMember("name", .string(patientName))) }
        if let patientBirthDate { patient.append(JSONMember("birth_date", .string(patientBirthDate))) }
        var extraction: [JSONMember] = [
            JSONMember("confidence", .number(String(confidence))), JSONMember("model", .string(model)),
            JSONMember("fallback_used", .bool(fallbackUsed)),
        ]
        if let extractedAt { extraction.append(JSONMember("extracted_at", .string(extractedAt))) }
        return .object([
            JSONMember("schema", .string("docmerge.extraction/v1")),
            JSONMember("document", .object(document)),
            JSONMember("patient", .object(patient)),
            JSONMember("extraction", .object(extraction)),
            JSONMember("entries", .array(entries)),
        ])
    }

    public var bytes: [UInt8] { json.bytes }

    /// Decoded and planned, as the pipeline would.
    public func prepared(thresholds: Thresholds = Thresholds(), firstSeen: Date = Date()) throws -> PreparedDocument {
        try PreparedDocument.prepare(bytes, decoder: ExtractionDecoder(), thresholds: thresholds, firstSeen: firstSeen)
    }
}
