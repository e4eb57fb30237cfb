import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

@Suite struct PatientImportTests {
    @Test func theOriginalIdIsKeptAsAnIdentifierAndTheResourceHasMeta() throws {
        let t = try TestStore()
        let ndjson = #"{"resourceType":"Patient","id":"src-42","identifier":[{"type":{"coding":[{"code":"MR"}]},"value":"MRN-7"}],"gender":"other","birthDate":"1973-08"}"#
        _ = try t.store.importPatients(try PatientImport.parse(Array(ndjson.utf8), fileName: "p.ndjson"))
        let patient = try #require(try JSONParser.parse(try t.store.bundle(mrn: "MRN-7"))["entry"]?[0]?["resource"])
        #expect(patient["id"]?.stringValue == "MRN-7")
        let identifiers = patient["identifier"]?.arrayValue ?? []
        #expect(identifiers.contains { $0["system"]?.stringValue == PatientImport.importedIDSystem && $0["value"]?.stringValue == "src-42" })
        #expect(patient["gender"]?.stringValue == "other")
        #expect(patient["meta"]?["versionId"]?.stringValue == "1")
        // The same file again changes nothing; a change moves the Patient's version.
        #expect(try t.store.importPatients(try PatientImport.parse(Array(ndjson.utf8), fileName: "p.ndjson")).unchanged == 1)
        let changed = ndjson.replacingOccurrences(of: "\"other\"", with: "\"female\"")
        #expect(try t.store.importPatients(try PatientImport.parse(Array(changed.utf8), fileName: "p.ndjson")).updated == 1)
        let again = try #require(try JSONParser.parse(try t.store.bundle(mrn: "MRN-7"))["entry"]?[0]?["resource"])
        #expect(again["meta"]?["versionId"]?.stringValue == "2")
        #expect((again["identifier"]?.arrayValue ?? []).filter { $0["value"]?.stringValue == "src-42" }.count == 1)
    }

    static let badDates = ["1950-13-01", "1950-02-30", "0000", "1950-1-1", "19500101", "1950-03-02T00:00:00Z", "yesterday"]

    @Test(arguments: badDates)
    func datesAreFHIRDates(_ date: String) throws {
        let csv = "mrn,given,family,birth_date\nMRN-1,Jane,Doe,\(date)\n"
        #expect { try PatientImport.parse(Array(csv.utf8), fileName: "p.csv") } throws: { error in
            let text = (error as? DocmergeError)?.message ?? ""
            return text.contains("CSV line 2") && text.contains("not a FHIR date") && !text.contains(date)
        }
        let json = #"[{"resourceType":"Patient","identifier":[{"value":"MRN-1"}],"birthDate":"\#(date)"}]"#
        #expect { try PatientImport.parse(Array(json.utf8), fileName: "p.json") } throws: { error in
            ((error as? DocmergeError)?.message ?? "").contains("not a FHIR date")
        }
    }

    @Test(arguments: ["1950", "1950-03", "1950-03-02", "2000-02-29"])
    func goodDatesPass(_ date: String) throws {
        #expect(FHIRDate.isValid(date))
        let csv = "mrn,birth_date\nMRN-1,\(date)\n"
        #expect(try PatientImport.parse(Array(csv.utf8), fileName: "p.csv").first?.birthDate == date)
    }

    @Test(arguments: ["id,given,family,birth_date\nX,a,b,1950\n", "mrn,given,family,birthdate\nX,a,b,1950\n",
                      "MRN-1,Jane,Doe,1950-03-02\n", "mrn,mrn\nX,Y\n"])
    func aWrongHeaderSaysWhichHeaderItExpected(_ csv: String) throws {
        #expect { try PatientImport.parse(Array(csv.utf8), fileName: "p.csv") } throws: { error in
            let text = (error as? DocmergeError)?.message ?? ""
            return text.contains("mrn,given,family,birth_date") && !text.contains("Jane") && !text.contains("birthdate")
        }
    }

    @Test func aBrokenNDJSONFileIsNotDescribedAsCSV() throws {
        for (name, bytes) in [("p.ndjson", "{\"resourceType\":\"Patient\"\n"), ("p.ndjson", "resourceType: Patient\n"),
                              ("p.json", "\u{FEFF}  oops")] {
            #expect { try PatientImport.parse(Array(bytes.utf8), fileName: name) } throws: { error in
                let text = (error as? DocmergeError)?.message ?? ""
                return !text.contains("CSV") && text.contains("JSON")
            }
        }
    }

    /// One file giving a patient twice is ambiguous (which row is meant?): refused whole.
    @Test func aPatientGivenTwiceInOneFileIsRefused() throws {
        let csv = "mrn,given,family,birth_date\nMRN-1,Jane,Doe,1950-03-02\nMRN-2,Ann,Lee,1960\nMRN-1,Janet,Doe,1951\n"
        #expect { try PatientImport.parse(Array(csv.utf8), fileName: "r.csv") } throws: { error in
            let text = (error as? DocmergeError)?.message ?? ""
            return text.contains("MRN-1 is given twice (patients 1 and 3 of the file)") && text.contains("Nothing was imported")
        }
    }

    @Test func progressIsReportedOnLargeImports() throws {
        let t = try TestStore()
        var csv = "mrn,given,family,birth_date\n"
        for i in 0..<2_500 { csv += "MRN-\(i),Given,Family,1950-01-01\n" }
        var seen: [Int] = []
        let summary = try t.store.importPatients(try PatientImport.parse(Array(csv.utf8), fileName: "big.csv"), every: 1_000) { seen.append($0) }
        #expect(summary.added == 2_500)
        #expect(seen == [1_000, 2_000, 2_500])
    }
}
