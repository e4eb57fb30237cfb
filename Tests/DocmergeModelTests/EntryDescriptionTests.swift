import DocmergeModel
import Testing

@Suite struct EntryDescriptionTests {
    static let cases: [(resource: String, expected: String)] = [
        (#"{"resourceType":"Condition","code":{"coding":[{"system":"http://snomed.info/sct","code":"44054006","display":"Diabetes mellitus type 2"}]},"onsetDateTime":"2015"}"#,
         "Diabetes mellitus type 2 (2015)"),
        (#"{"resourceType":"Condition","code":{"text":"asthma"}}"#, "asthma"),
        (#"{"resourceType":"Condition","code":{"coding":[{"code":"J45"}]}}"#, "J45"),
        (#"{"resourceType":"MedicationStatement","medicationCodeableConcept":{"text":"Metformin 500 mg PO BID"},"dosage":[{"text":"1 tablet twice daily"}]}"#,
         "Metformin 500 mg PO BID; 1 tablet twice daily"),
        (#"{"resourceType":"MedicationRequest","medicationCodeableConcept":{"coding":[{"display":"lisinopril 10 MG"}]},"dosageInstruction":[{"doseAndRate":[{"doseQuantity":{"value":10,"unit":"mg"}}]}],"authoredOn":"2026-01-02"}"#,
         "lisinopril 10 MG; 10 mg (2026-01-02)"),
        (#"{"resourceType":"Observation","code":{"coding":[{"display":"Hemoglobin A1c"}]},"valueQuantity":{"value":7.20,"unit":"%"},"effectiveDateTime":"2026-10-01"}"#,
         "Hemoglobin A1c = 7.20 % (2026-10-01)"),
        (#"{"resourceType":"Observation","code":{"text":"Smoking"},"valueCodeableConcept":{"text":"never"},"effectivePeriod":{"start":"2020"}}"#,
         "Smoking = never (2020)"),
        (#"{"resourceType":"Observation","code":{"text":"eGFR"},"valueQuantity":{"value":60,"comparator":">","code":"mL/min"}}"#,
         "eGFR = >60 mL/min"),
        (#"{"resourceType":"Immunization","vaccineCode":{"coding":[{"display":"Influenza vaccine"}]},"occurrenceDateTime":"2025-10-01"}"#,
         "Influenza vaccine (2025-10-01)"),
        (#"{"resourceType":"Procedure"}"#, "(no code given)"),
    ]

    @Test(arguments: cases)
    func describes(_ c: (resource: String, expected: String)) throws {
        #expect(EntryDescription.describe(try JSONParser.parse(Array(c.resource.utf8))) == c.expected)
    }
}
