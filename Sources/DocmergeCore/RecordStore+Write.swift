import DocmergeModel
import DocmergeSQLite
import Foundation

/// A command's premise no longer holds: another process (or a failed command before it)
/// changed the patient or the document since it was planned. Plan again from the record.
public struct VersionMoved: Error, Sendable, CustomStringConvertible {
    public let mrn: String
    public let documentID: String
    public var description: String { "The record of \(mrn) changed while \(documentID) was planned; it is planned again." }
}

extension RecordStore {
    /// Writes a planned command; runs inside a write transaction. A replay writes nothing.
    /// Otherwise the versions the plan was made against are checked first (the patient's
    /// record version, the document's version, or that they do not exist yet); then the
    /// merge runs with its audit row in the same transaction.
    func write(_ command: MergeCommand, sampleRate: Double) throws -> MergeOutcome {
        let x = command.document.extraction
        if case .unchanged(let status) = command.action { return .unchanged(documentID: x.documentID, status: status) }
        return try applyMerge(command.document, actor: command.actor, sampleRate: sampleRate, premise: command)
    }
}
