import DocmergeModel

/// Realistic FHIR R4 content: coded Conditions (SNOMED CT + ICD-10-CM), MedicationStatements
/// (RxNorm), Observations (LOINC with UCUM quantities), AllergyIntolerances, Procedures and
/// Immunizations (CVX), with references between a document's entries.
enum ClinicalContent {
    static let conditions: [(snomed: String, icd: String, display: String)] = [
        ("44054006", "E11.9", "Type 2 diabetes mellitus"), ("38341003", "I10", "Essential hypertension"),
        ("431855005", "N18.1", "Chronic kidney disease stage 1"), ("195967001", "J45.909", "Asthma"),
        ("13645005", "J44.9", "Chronic obstructive pulmonary disease"), ("84114007", "I50.9", "Heart failure"),
        ("363418001", "C25.9", "Malignant tumor of pancreas"), ("254637007", "C34.90", "Non-small cell lung cancer"),
        ("26929004", "G30.9", "Alzheimer's disease"), ("49436004", "I48.91", "Atrial fibrillation"),
        ("271737000", "D64.9", "Anemia"), ("35489007", "F32.9", "Depressive disorder"),
    ]
    static let medications: [(rxnorm: String, display: String)] = [
        ("861007", "metformin hydrochloride 500 MG Oral Tablet"), ("314076", "lisinopril 10 MG Oral Tablet"),
        ("891874", "morphine sulfate 15 MG Extended Release Oral Tablet"), ("197900", "lorazepam 0.5 MG Oral Tablet"),
        ("310672", "haloperidol 0.5 MG Oral Tablet"), ("312086", "ondansetron 4 MG Oral Tablet"),
        ("617311", "atorvastatin 40 MG Oral Tablet"), ("309362", "clopidogrel 75 MG Oral Tablet"),
        ("745679", "albuterol 0.09 MG/ACTUAT Metered Dose Inhaler"), ("855332", "warfarin sodium 5 MG Oral Tablet"),
    ]
    static let observations: [(loinc: String, display: String, unit: String, low: Double, high: Double)] = [
        ("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%", 5, 11), ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 0.5, 3),
        ("2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", 3, 6), ("8867-4", "Heart rate", "/min", 50, 130),
        ("8480-6", "Systolic blood pressure", "mm[Hg]", 85, 190), ("29463-7", "Body weight", "kg", 35, 130),
        ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%", 82, 100), ("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 7, 17),
    ]
    static let allergies: [(code: String, display: String)] = [
        ("91936005", "Allergy to penicillin"), ("300913006", "Shellfish allergy"), ("294505008", "Allergy to sulfonamide"),
    ]
    static let procedures: [(code: String, display: String)] = [
        ("80146002", "Appendectomy"), ("232717009", "Coronary artery bypass grafting"), ("73761001", "Colonoscopy"),
    ]
    static let vaccines: [(cvx: String, display: String)] = [
        ("140", "Influenza, seasonal, injectable, preservative free"), ("208", "SARS-COV-2 (COVID-19) vaccine, mRNA"),
        ("33", "pneumococcal polysaccharide vaccine, 23 valent"),
    ]

    static func coding(_ system: String, _ code: String, _ display: String) -> JSON {
        .object([JSONMember("system", .string(system)), JSONMember("code", .string(code)), JSONMember("display", .string(display))])
    }

    static func concept(_ codings: [JSON], text: String) -> JSON {
        .object([JSONMember("coding", .array(codings)), JSONMember("text", .string(text))])
    }

    static let subject = JSON.object([JSONMember("reference", .string("Patient/unknown"))])

    static func date(_ random: inout SeededRandom) -> String {
        let y = 2015 + Int(random.next() % 11), m = 1 + Int(random.next() % 12), d = 1 + Int(random.next() % 28)
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
    }

    static func number(_ value: Double) -> JSON { .number(String((value * 10).rounded() / 10)) }

    /// `count` entries; MedicationStatements point at a Condition of the same document.
    static func entries(count: Int, random: inout SeededRandom) -> [JSON] {
        var entries: [JSON] = []
        var conditionIDs: [String] = []
        for i in 0..<count {
            let kind = i == 0 ? 0 : Int(random.next() % 6)
            var resource: [JSONMember]
            var snippet: String
            switch kind {
            case 0:
                let c = random.pick(conditions)
                let id = "cond-\(i)"
                conditionIDs.append(id)
                resource = [JSONMember("resourceType", .string("Condition")), JSONMember("id", .string(id)),
                            JSONMember("clinicalStatus", concept([coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active")], text: "Active")),
                            JSONMember("verificationStatus", concept([coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed")], text: "Confirmed")),
                            JSONMember("category", .array([concept([coding("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item")], text: "Problem")])),
                            JSONMember("code", concept([coding("http://snomed.info/sct", c.snomed, c.display), coding("http://hl7.org/fhir/sid/icd-10-cm", c.icd, c.display)], text: c.display)),
                            JSONMember("subject", subject), JSONMember("onsetDateTime", .string(date(&random))),
                            JSONMember("note", .array([.object([JSONMember("text", .string("Documented in the problem list of the referring facility; patient and family aware."))])]))]
                snippet = "PMH: \(c.display.lowercased()) (\(c.icd))"
            case 1:
                let m = random.pick(medications)
                resource = [JSONMember("resourceType", .string("MedicationStatement")), JSONMember("status", .string("active")),
                            JSONMember("medicationCodeableConcept", concept([coding("http://www.nlm.nih.gov/research/umls/rxnorm", m.rxnorm, m.display)], text: m.display)),
                            JSONMember("subject", subject), JSONMember("effectiveDateTime", .string(date(&random))),
                            JSONMember("dosage", .array([.object([JSONMember("text", .string("1 tablet by mouth every 12 hours as needed")),
                                                                  JSONMember("timing", .object([JSONMember("repeat", .object([JSONMember("frequency", .number("1")), JSONMember("period", .number("12")), JSONMember("periodUnit", .string("h"))]))])),
                                                                  JSONMember("route", concept([coding("http://snomed.info/sct", "26643006", "Oral route")], text: "oral"))])]))]
                if let reason = conditionIDs.last {
                    resource.append(JSONMember("reasonReference", .array([.object([JSONMember("reference", .string("Condition/\(reason)"))])])))
                }
                snippet = "\(m.display.lowercased()) 1 tab PO q12h prn"
            case 2, 3:
                let o = random.pick(observations)
                let value = o.low + random.unit() * (o.high - o.low)
                resource = [JSONMember("resourceType", .string("Observation")), JSONMember("status", .string("final")),
                            JSONMember("category", .array([concept([coding("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory")], text: "Laboratory")])),
                            JSONMember("code", concept([coding("http://loinc.org", o.loinc, o.display)], text: o.display)),
                            JSONMember("subject", subject), JSONMember("effectiveDateTime", .string(date(&random) + "T08:30:00Z")),
                            JSONMember("valueQuantity", .object([JSONMember("value", number(value)), JSONMember("unit", .string(o.unit)),
                                                                 JSONMember("system", .string("http://unitsofmeasure.org")), JSONMember("code", .string(o.unit))])),
                            JSONMember("referenceRange", .array([.object([JSONMember("low", .object([JSONMember("value", number(o.low)), JSONMember("unit", .string(o.unit))])),
                                                                          JSONMember("high", .object([JSONMember("value", number(o.high)), JSONMember("unit", .string(o.unit))]))])]))]
                snippet = "\(o.display): \((value * 10).rounded() / 10) \(o.unit)"
            case 4:
                let a = random.pick(allergies)
                resource = [JSONMember("resourceType", .string("AllergyIntolerance")),
                            JSONMember("clinicalStatus", concept([coding("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active")], text: "Active")),
                            JSONMember("code", concept([coding("http://snomed.info/sct", a.code, a.display)], text: a.display)),
                            JSONMember("patient", subject), JSONMember("criticality", .string("high")),
                            JSONMember("reaction", .array([.object([JSONMember("manifestation", .array([concept([coding("http://snomed.info/sct", "247472004", "Hives")], text: "hives")]))])]))]
                snippet = "ALLERGIES: \(a.display.lowercased()) (hives)"
            default:
                if random.chance(0.5) {
                    let p = random.pick(procedures)
                    resource = [JSONMember("resourceType", .string("Procedure")), JSONMember("status", .string("completed")),
                                JSONMember("code", concept([coding("http://snomed.info/sct", p.code, p.display)], text: p.display)),
                                JSONMember("subject", subject), JSONMember("performedDateTime", .string(date(&random)))]
                    if let reason = conditionIDs.last {
                        resource.append(JSONMember("reasonReference", .array([.object([JSONMember("reference", .string("Condition/\(reason)"))])])))
                    }
                    snippet = "PSH: \(p.display.lowercased())"
                } else {
                    let v = random.pick(vaccines)
                    resource = [JSONMember("resourceType", .string("Immunization")), JSONMember("status", .string("completed")),
                                JSONMember("vaccineCode", concept([coding("http://hl7.org/fhir/sid/cvx", v.cvx, v.display)], text: v.display)),
                                JSONMember("patient", subject), JSONMember("occurrenceDateTime", .string(date(&random))),
                                JSONMember("primarySource", .bool(true))]
                    snippet = "Immunizations: \(v.display)"
                }
            }
            entries.append(.object([JSONMember("resource", .object(resource)), JSONMember("snippet", .string(snippet)),
                                    JSONMember("confidence", number(0.7 + random.unit() * 0.3))]))
        }
        return entries
    }
}
