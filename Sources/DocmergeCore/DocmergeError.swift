/// What went wrong in a record operation, in one plain sentence, with the exit code
/// the command line maps it to.
public struct DocmergeError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        case failure      // exit 1
        case usage        // exit 2
        case notFound     // exit 3
        case conflict     // exit 4: not allowed in the current state, or a version moved
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    public var exitCode: Int32 {
        switch kind {
        case .failure: 1
        case .usage: 2
        case .notFound: 3
        case .conflict: 4
        }
    }
}
