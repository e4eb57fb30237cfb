import DocmergeCore
import DocmergeModel
import Foundation

enum ConfigLoader {
    /// `--config FILE`, else DOCMERGE_CONFIG, else the built-in defaults (those of
    /// Configs/docmerge.json). A bad file is a usage error (exit 2) naming the key.
    static func load(_ path: String?) throws -> Config {
        guard let path = path ?? ProcessInfo.processInfo.environment["DOCMERGE_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 })
        else { return Config() }
        do {
            return try Config.load(path: path)
        } catch {
            throw DocmergeError(.usage, error.message)
        }
    }
}
