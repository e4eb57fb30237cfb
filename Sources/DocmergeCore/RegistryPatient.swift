import DocmergeModel

/// A patient of the registry: the subject every merged resource points at.
public struct RegistryPatient: Sendable, Equatable {
    public let rowID: Int64
    public let mrn: String
    public let fhirID: String
    public let name: String?
    public let birthDate: String?
    public let version: Int
    /// The document that registered the patient under `register_and_flag`: check 7
    /// belongs to it, every extraction of it carries `new_patient`.
    public let flaggedBy: String?

    public var demographics: RegistryDemographics { RegistryDemographics(name: name, birthDate: birthDate) }
}

/// A patient to add to the registry (from an import or a document).
public struct PatientRecord: Sendable, Equatable {
    public var mrn: String
    public var name: String?
    public var birthDate: String?
    /// The Patient's elements (a FHIR Patient as imported, or a document's Patient entry),
    /// if it came as one; else they are built from the demographics.
    public var resource: [JSONMember]?

    public init(mrn: String, name: String?, birthDate: String?, resource: [JSONMember]? = nil) {
        self.mrn = mrn
        self.name = name
        self.birthDate = birthDate
        self.resource = resource
    }

    /// Registration from a document (`PatientRegistration`).
    public init(mrn: String, registration: PatientRegistration) {
        self.init(mrn: mrn, name: registration.name, birthDate: registration.birthDate, resource: registration.elements)
    }

    /// The registry Patient resource, with the registry id, the MRN identifier and meta.
    func resourceJSON(fhirID: String, versionID: Int, lastUpdated: String) -> String {
        let elements = resource ?? PatientRegistration.elements(name: name, birthDate: birthDate)
        return RegistryResource.build(elements: elements, mrn: mrn, fhirID: fhirID, versionID: versionID,
                                      lastUpdated: lastUpdated).text
    }
}
