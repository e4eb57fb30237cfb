import Foundation

/// One decoded, validated `docmerge.extraction/v1` file.
public struct Extraction: Sendable {
    public var documentID: String
    public var documentName: String?
    public var uploadedAt: Date?
    public var mrn: String
    public var patientName: String?
    public var patientBirthDate: String?
    public var confidence: Double
    public var model: String
    public var fallbackUsed: Bool
    public var extractedAt: Date?
    public var extractedAtText: String?
    public var entries: [Entry]

    public init(documentID: String, documentName: String?, uploadedAt: Date?, mrn: String, patientName: String?,
                patientBirthDate: String?, confidence: Double, model: String, fallbackUsed: Bool, extractedAt: Date?,
                extractedAtText: String?, entries: [Entry]) {
        self.documentID = documentID
        self.documentName = documentName
        self.uploadedAt = uploadedAt
        self.mrn = mrn
        self.patientName = patientName
        self.patientBirthDate = patientBirthDate
        self.confidence = confidence
        self.model = model
        self.fallbackUsed = fallbackUsed
        self.extractedAt = extractedAt
        self.extractedAtText = extractedAtText
        self.entries = entries
    }

    public struct Entry: Sendable {
        /// The resource, validated and minified, with its references located.
        public var resource: RawJSON
        public var resourceType: String
        public var id: String?
        public var fullUrl: String?
        public var snippet: String?
        public var confidence: Double?
        public var isPatient: Bool { resourceType == "Patient" }

        public init(resource: RawJSON, resourceType: String, id: String?, fullUrl: String?, snippet: String?, confidence: Double?) {
            self.resource = resource
            self.resourceType = resourceType
            self.id = id
            self.fullUrl = fullUrl
            self.snippet = snippet
            self.confidence = confidence
        }
    }

    /// Drops the resources of merged entries (kept: their type, id, fullUrl, snippet and
    /// confidence, and the Patient entries whole). For a document already planned: the
    /// plan holds the merged resources, and the quality checks read only the Patient entry.
    public mutating func releaseMergedResources() {
        for index in entries.indices where !entries[index].isPatient {
            entries[index].resource = RawJSON(trusted: [])
        }
    }

    /// The first Patient entry: the one an unknown patient is registered from. The checks
    /// read every Patient entry (`patientEvidence`), not only this one.
    public var firstPatientEntry: Entry? { entries.first(where: \.isPatient) }
}

/// Why a file is refused: what is wrong and where (a JSON path such as `$.entries[3].resource`).
public struct ExtractionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
