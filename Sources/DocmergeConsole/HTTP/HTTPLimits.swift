/// What the server accepts from a client before it refuses or drops it.
public struct HTTPLimits: Sendable {
    /// Longest request line (method, target, version), in bytes.
    public var maxRequestLine = 8 * 1024
    /// Largest header block after the request line, in bytes.
    public var maxHeaderBytes = 16 * 1024
    public var maxHeaderCount = 64
    /// Largest request body (forms only: a corrected document's entries fit well within it).
    public var maxBodyBytes = 512 * 1024
    public var maxFormFields = 400
    /// Seconds a new connection may stay silent before it is dropped.
    public var idleSeconds = 5.0
    /// Seconds for the whole request (head and body) to arrive: a client sending one byte a
    /// second is dropped when they run out, however steadily it trickles.
    public var readSeconds = 10.0
    /// Seconds to write a response before the client is given up on.
    public var writeSeconds = 10.0
    /// Connections served at once; one more is answered 503 and closed.
    public var maxConnections = 64

    public init() {}
}

/// A refusal: the status to answer and one sentence for the client.
public struct HTTPError: Error, Sendable, Equatable {
    public let status: Int
    public let message: String

    public init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }
}
