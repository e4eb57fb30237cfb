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
        switch read(ticket) {
        case .read(let bytes): prepare(ticket, bytes)
        case .done(let classified): classified
        }
    }

    public enum Read: Sendable {
        case read([UInt8])
        /// Gone, too large or unreadable: classified without decoding.
        case done(Classified)
    }

    /// The file's bytes, or what it is when it cannot be read.
    public func read(_ ticket: FileTicket) -> Read {
        do {
            switch try inbox.read(ticket.name, maxBytes: decoder.maxBytes) {
            case .bytes(let read): return .read(read)
            case .vanished: return .done(.vanished(ticket))
            case .tooLarge(let size):
                return .done(.refused(ticket, reason: "the file is \(size) bytes, over the \(decoder.maxBytes)-byte limit (refused unread)",
                                      path: "$", documentID: nil))
            }
        } catch {
            return .done(.refused(ticket, reason: "\(error)", path: "$", documentID: nil))
        }
    }

    /// Decodes, validates and plans the bytes read.
    public func prepare(_ ticket: FileTicket, _ bytes: [UInt8]) -> Classified {
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
