/// The resource types an entry may have: FHIR R4 (4.0.1), less those that cannot be a
/// record entry. The list is the R4 specification's (its resource list, as generated into
/// `fhir.resources` 6.1.0 for FHIR 4.0.1, build 9346c8cc45; `fhirclient` 4.1.0 agrees):
/// 146 concrete resource types, without the abstract Resource, DomainResource and
/// MetadataResource.
public enum FHIRResourceType {
    public static let r4: Set<String> = [
        "Account", "ActivityDefinition", "AdverseEvent", "AllergyIntolerance", "Appointment", "AppointmentResponse",
        "AuditEvent", "Basic", "Binary", "BiologicallyDerivedProduct", "BodyStructure", "Bundle",
        "CapabilityStatement", "CarePlan", "CareTeam", "CatalogEntry", "ChargeItem", "ChargeItemDefinition", "Claim",
        "ClaimResponse", "ClinicalImpression", "CodeSystem", "Communication", "CommunicationRequest",
        "CompartmentDefinition", "Composition", "ConceptMap", "Condition", "Consent", "Contract", "Coverage",
        "CoverageEligibilityRequest", "CoverageEligibilityResponse", "DetectedIssue", "Device", "DeviceDefinition",
        "DeviceMetric", "DeviceRequest", "DeviceUseStatement", "DiagnosticReport", "DocumentManifest",
        "DocumentReference", "EffectEvidenceSynthesis", "Encounter", "Endpoint", "EnrollmentRequest",
        "EnrollmentResponse", "EpisodeOfCare", "EventDefinition", "Evidence", "EvidenceVariable", "ExampleScenario",
        "ExplanationOfBenefit", "FamilyMemberHistory", "Flag", "Goal", "GraphDefinition", "Group", "GuidanceResponse",
        "HealthcareService", "ImagingStudy", "Immunization", "ImmunizationEvaluation", "ImmunizationRecommendation",
        "ImplementationGuide", "InsurancePlan", "Invoice", "Library", "Linkage", "List", "Location", "Measure",
        "MeasureReport", "Media", "Medication", "MedicationAdministration", "MedicationDispense",
        "MedicationKnowledge", "MedicationRequest", "MedicationStatement", "MedicinalProduct",
        "MedicinalProductAuthorization", "MedicinalProductContraindication", "MedicinalProductIndication",
        "MedicinalProductIngredient", "MedicinalProductInteraction", "MedicinalProductManufactured",
        "MedicinalProductPackaged", "MedicinalProductPharmaceutical", "MedicinalProductUndesirableEffect",
        "MessageDefinition", "MessageHeader", "MolecularSequence", "NamingSystem", "NutritionOrder", "Observation",
        "ObservationDefinition", "OperationDefinition", "OperationOutcome", "Organization", "OrganizationAffiliation",
        "Parameters", "Patient", "PaymentNotice", "PaymentReconciliation", "Person", "PlanDefinition", "Practitioner",
        "PractitionerRole", "Procedure", "Provenance", "Questionnaire", "QuestionnaireResponse", "RelatedPerson",
        "RequestGroup", "ResearchDefinition", "ResearchElementDefinition", "ResearchStudy", "ResearchSubject",
        "RiskAssessment", "RiskEvidenceSynthesis", "Schedule", "SearchParameter", "ServiceRequest", "Slot", "Specimen",
        "SpecimenDefinition", "StructureDefinition", "StructureMap", "Subscription", "Substance",
        "SubstanceNucleicAcid", "SubstancePolymer", "SubstanceProtein", "SubstanceReferenceInformation",
        "SubstanceSourceMaterial", "SubstanceSpecification", "SupplyDelivery", "SupplyRequest", "Task",
        "TerminologyCapabilities", "TestReport", "TestScript", "ValueSet", "VerificationResult", "VisionPrescription"
    ]

    /// R4 types that are no record entry, and why.
    static let notEntries: [String: String] = [
        "Bundle": "a Bundle is a container, not a record entry: send each of its resources as an entry of the document",
        "Parameters": "a Parameters resource is an operation's input or output and is never stored: it cannot be a record entry",
    ]

    static let abstract: Set<String> = ["Resource", "DomainResource", "MetadataResource"]

    static let byLowercase: [String: String] = Dictionary(uniqueKeysWithValues: r4.map { ($0.lowercased(), $0) })

    /// Why `type` cannot be an entry's `resourceType`; nil when it can.
    public static func refusal(_ type: String) -> String? {
        if let why = notEntries[type] { return why }
        if r4.contains(type) { return nil }
        if abstract.contains(type) {
            return "'\(type)' is an abstract FHIR type; an entry is a concrete resource such as Condition or Observation"
        }
        if let spelled = byLowercase[type.lowercased()] {
            return "'\(type)' is not a FHIR R4 resource type (resource type names are case-sensitive: did you mean \(spelled)?)"
        }
        return "'\(type)' is not a FHIR R4 resource type"
    }
}
