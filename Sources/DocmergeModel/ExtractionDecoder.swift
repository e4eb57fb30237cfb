import Foundation

/// Decodes and validates an extraction file: every refusal case of the ingest spec.
public struct ExtractionDecoder: Sendable {
    public var maxBytes: Int
    public var maxDepth: Int

    public init(maxBytes: Int = 10 * 1024 * 1024, maxDepth: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    public static let idCharacters: Set<UInt8> = Set(Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-".utf8))

    public static func isValidDocumentID(_ id: String) -> Bool {
        let utf8 = id.utf8
        return (1...128).contains(utf8.count) && utf8.allSatisfy { idCharacters.contains($0) }
    }

    public func decode(_ bytes: [UInt8]) throws(ExtractionError) -> (Extraction, JSON) {
        guard bytes.count <= maxBytes else {
            throw ExtractionError(path: "$", message: "the file is \(bytes.count) bytes, over the \(maxBytes)-byte limit")
        }
        if let encoding = Self.wrongEncoding(bytes) {
            throw ExtractionError(path: "$", message: "not valid JSON: the file \(encoding); save it as UTF-8 without a byte-order mark")
        }
        let root: JSON
        do {
            root = try JSONParser.parse(bytes, maxDepth: maxDepth, rawResources: true)
        } catch where error.isDuplicateMember {
            throw ExtractionError(path: error.path, message: "the member name appears twice in one object (ambiguous: readers disagree on which one counts)")
        } catch {
            throw ExtractionError(path: "$", message: "not valid JSON: \(error.description)")
        }
        return (try decode(root), root)
    }

    /// What a byte-order mark at the start says the file is, when it is not plain UTF-8.
    static func wrongEncoding(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return "starts with a UTF-8 byte-order mark" }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return "is UTF-16 (it starts with a byte-order mark)" }
        return nil
    }

    public func decode(_ root: JSON) throws(ExtractionError) -> Extraction {
        let reader = FieldReader()
        guard case .object = root else { throw ExtractionError(path: "$", message: "must be an object, found \(root.typeName)") }
        if let schema = root["schema"] {
            guard let text = schema.stringValue else {
                throw ExtractionError(path: "$.schema", message: "must be a string, found \(schema.typeName)")
            }
            let parts = text.split(separator: "/", maxSplits: 1)
            guard parts.count == 2, parts[0] == "docmerge.extraction", parts[1].hasPrefix("v"),
                  let major = Int(parts[1].dropFirst().split(separator: ".").first ?? "") else {
                throw ExtractionError(path: "$.schema", message: "unknown schema '\(text)', expected docmerge.extraction/v1")
            }
            guard major == 1 else {
                throw ExtractionError(path: "$.schema", message: "schema version v\(major) is not supported; this pipeline reads docmerge.extraction/v1")
            }
        }
        let document = try reader.object(root, "document", at: "$")
        let documentID = try reader.string(document, "id", at: "$.document")
        guard ExtractionDecoder.isValidDocumentID(documentID) else {
            throw ExtractionError(path: "$.document.id",
                                  message: "must be 1–128 characters of A-Z a-z 0-9 . _ : -")
        }
        let patient = try reader.object(root, "patient", at: "$")
        let mrn = try reader.string(patient, "mrn", at: "$.patient")
        guard !mrn.isEmpty, mrn.utf8.count <= 128, !mrn.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw ExtractionError(path: "$.patient.mrn", message: "must be 1–128 characters without control characters")
        }
        guard mrn.unicodeScalars.first?.properties.isWhitespace == false,
              mrn.unicodeScalars.last?.properties.isWhitespace == false else {
            throw ExtractionError(path: "$.patient.mrn", message: "must not begin or end with white space")
        }
        let extraction = try reader.object(root, "extraction", at: "$")
        let confidence = try reader.unitNumber(extraction, "confidence", at: "$.extraction")
        guard let confidence else { throw ExtractionError(path: "$.extraction.confidence", message: "is required") }
        let model = try reader.string(extraction, "model", at: "$.extraction")
        // White space of any kind (a newline, a no-break space, …) names no model.
        guard model.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw ExtractionError(path: "$.extraction.model", message: "must be a non-empty string that is not only white space")
        }
        guard let fallbackValue = extraction["fallback_used"] else {
            throw ExtractionError(path: "$.extraction.fallback_used", message: "is required")
        }
        guard let fallbackUsed = fallbackValue.boolValue else {
            throw ExtractionError(path: "$.extraction.fallback_used", message: "must be true or false, found \(fallbackValue.typeName)")
        }
        let extractedAtText = try reader.optionalString(extraction, "extracted_at", at: "$.extraction")
        let extractedAt = try reader.time(extractedAtText, at: "$.extraction.extracted_at")
        let uploadedAt = try reader.time(try reader.optionalString(document, "uploaded_at", at: "$.document"),
                                         at: "$.document.uploaded_at")
        let birthDate = try reader.optionalString(patient, "birth_date", at: "$.patient")
        if let birthDate, !FHIRDate.isValid(birthDate) {
            throw ExtractionError(path: "$.patient.birth_date", message: "must be a FHIR date: YYYY, YYYY-MM or YYYY-MM-DD, a real day")
        }
        let entries = try EntriesDecoder.decode(root["entries"], at: "$.entries")
        return Extraction(
            documentID: documentID,
            documentName: try reader.optionalString(document, "name", at: "$.document"),
            uploadedAt: uploadedAt,
            mrn: mrn,
            patientName: try reader.optionalString(patient, "name", at: "$.patient"),
            patientBirthDate: birthDate,
            confidence: confidence,
            model: model,
            fallbackUsed: fallbackUsed,
            extractedAt: extractedAt,
            extractedAtText: extractedAtText,
            entries: entries)
    }
}
