import DocmergeCore
import DocmergeModel
import Foundation

/// Reads, decodes, validates and plans one document, and runs the checks that need
/// only the document: the CPU-heavy part, run for several files at once.
public struct Classifier: Sendable {
    public let inbox: Inbox
    public let decoder: ExtractionDecoder
    public let thresholds: Thresholds

    public init(inbox: Inbox, decoder: ExtractionDecoder, thresholds: Thresholds) {
        self.inbox = inbox
        self.decoder = decoder
        self.thresholds = thresholds
    }

    public func classify(_ ticket: FileTicket) -> Classified {
        let bytes: [UInt8]
        do {
            switch try inbox.read(ticket.name, maxBytes: decoder.maxBytes) {
            case .bytes(let read): bytes = read
            case .vanished: return .vanished(ticket)
            case .tooLarge(let size):
                return .refused(ticket, reason: "the file is \(size) bytes, over the \(decoder.maxBytes)-byte limit (refused unread)",
                                path: "$", documentID: nil)
            }
        } catch {
            return .refused(ticket, reason: "\(error)", path: "$", documentID: nil)
        }
        do {
            let document = try PreparedDocument.prepare(bytes, decoder: decoder, thresholds: thresholds,
                                                        firstSeen: ticket.firstSeen)
            return .prepared(ticket, document, findings: MergeDecision.documentFindings(document))
        } catch {
            return .refused(ticket, reason: error.message, path: error.path, documentID: Self.bestEffortID(bytes))
        }
    }

    /// The document id of a refused file, when it can be read at all (for the error file).
    static func bestEffortID(_ bytes: [UInt8]) -> String? {
        guard let root = try? JSONParser.parse(bytes), let id = root["document"]?["id"]?.stringValue,
              ExtractionDecoder.isValidDocumentID(id) else { return nil }
        return id
    }
}
