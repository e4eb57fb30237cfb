import Foundation

/// A fresh directory under the system temp folder, removed when the value is released.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "docmerge-test") {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    /// A scratch installation inside: an empty inbox and a database path (not created).
    public func site() throws -> (inbox: String, db: String) {
        try FileManager.default.createDirectory(atPath: file("inbox"), withIntermediateDirectories: true)
        return (file("inbox"), file("db.sqlite"))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The shared fixtures (`../shared/fixtures/fhir`), found from this source file's place.
public enum Fixtures {
    public static var directory: String? {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<6 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("shared/fixtures/fhir").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            let sibling = url.deletingLastPathComponent().appendingPathComponent("shared/fixtures/fhir").path
            if FileManager.default.fileExists(atPath: sibling) { return sibling }
        }
        return nil
    }

    /// Every bundle file: the per-patient ones and `documents/`.
    public static func bundleFiles() -> [String] {
        guard let dir = directory else { return [] }
        var files: [String] = []
        for sub in ["", "/documents"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir + sub)) ?? []
            files += names.filter { $0.hasSuffix(".json") && $0 != "manifest.json" }.sorted().map { dir + sub + "/" + $0 }
        }
        return files
    }

    public static func skipNotice(_ test: String) {
        print("NOTICE: \(test) skipped: ../shared/fixtures/fhir is not present beside this checkout.")
    }
}
