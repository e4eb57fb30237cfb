import Foundation

/// The request head, parsed strictly: CRLF line endings, `METHOD SP TARGET SP HTTP/1.x`,
/// token header names, no folded lines, no control characters, no duplicate
/// Content-Length, no Transfer-Encoding (chunked uploads are refused).
public struct RequestHead: Sendable {
    public let method: HTTPRequest.Method
    public let path: String
    public let query: FormData
    public let headers: [(name: String, value: String)]
    public let contentLength: Int
}

public enum HTTPParser {
    static let tokenCharacters = Set(Array("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8))

    /// The index just past the blank line that ends the head, if it has arrived.
    /// Scans from `start` on (the bytes before were scanned already).
    public static func headEnd(_ buffer: [UInt8], from start: Int = 0) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in max(3, start)..<buffer.count where buffer[i] == 0x0A && buffer[i - 1] == 0x0D && buffer[i - 2] == 0x0A && buffer[i - 3] == 0x0D {
            return i + 1
        }
        return nil
    }

    /// Checks a head still arriving against the limits, so an endless line is refused early.
    /// Checks the bytes from `start` on: a bare LF is refused at once rather than waited on.
    public static func checkPartial(_ buffer: [UInt8], from start: Int = 0, upTo end: Int? = nil, limits: HTTPLimits) throws(HTTPError) {
        for i in start..<max(start, end ?? buffer.count) where buffer[i] == 0x0A && (i == 0 || buffer[i - 1] != 0x0D) {
            throw HTTPError(400, "Lines must end with CRLF.")
        }
        guard end == nil else { return }
        let lineEnd = buffer.firstIndex(of: 0x0A)
        if (lineEnd ?? buffer.count) > limits.maxRequestLine {
            throw HTTPError(414, "The request line is longer than \(limits.maxRequestLine) bytes.")
        }
        if buffer.count > limits.maxRequestLine + limits.maxHeaderBytes {
            throw HTTPError(431, "The request headers are larger than \(limits.maxHeaderBytes) bytes.")
        }
    }

    public static func parseHead(_ head: ArraySlice<UInt8>, limits: HTTPLimits) throws(HTTPError) -> RequestHead {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex
        var i = head.startIndex
        while i < head.endIndex {
            if head[i] == 0x0A {
                guard i > start, head[i - 1] == 0x0D else { throw HTTPError(400, "Lines must end with CRLF.") }
                lines.append(head[start..<(i - 1)])
                start = i + 1
            }
            i += 1
        }
        guard let requestLine = lines.first, !requestLine.isEmpty else { throw HTTPError(400, "The request line is missing.") }
        guard requestLine.count <= limits.maxRequestLine else {
            throw HTTPError(414, "The request line is longer than \(limits.maxRequestLine) bytes.")
        }
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw HTTPError(400, "The request line must be METHOD TARGET VERSION.") }
        let methodText = String(decoding: parts[0], as: UTF8.self)
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            throw HTTPError(505, "Only HTTP/1.1 and HTTP/1.0 are spoken here.")
        }
        guard !parts[0].isEmpty, parts[0].allSatisfy({ tokenCharacters.contains($0) }) else {
            throw HTTPError(400, "The method is not a valid token.")
        }
        guard let method = HTTPRequest.Method(rawValue: methodText) else {
            throw HTTPError(405, "Only GET and POST are allowed.")
        }
        let (path, query) = try parseTarget(parts[1], limits: limits)

        let headerLines = lines.dropFirst().filter { !$0.isEmpty }
        guard headerLines.count <= limits.maxHeaderCount else {
            throw HTTPError(431, "The request has more than \(limits.maxHeaderCount) headers.")
        }
        guard head.count - requestLine.count <= limits.maxHeaderBytes + 4 else {
            throw HTTPError(431, "The request headers are larger than \(limits.maxHeaderBytes) bytes.")
        }
        var headers: [(name: String, value: String)] = []
        for line in headerLines {
            guard let first = line.first, first != 0x20, first != 0x09 else { throw HTTPError(400, "Folded header lines are not accepted.") }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                  line[..<colon].allSatisfy({ tokenCharacters.contains($0) }) else {
                throw HTTPError(400, "A header line is malformed.")
            }
            let valueBytes = line[(colon + 1)...]
            guard !valueBytes.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else {
                throw HTTPError(400, "A header holds a control character.")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: valueBytes, as: UTF8.self).trimmingCharacters(in: [" ", "\t"])
            headers.append((name, value))
        }
        if headers.contains(where: { $0.name == "transfer-encoding" }) {
            throw HTTPError(411, "Chunked or encoded uploads are not accepted; send a Content-Length.")
        }
        let lengths = headers.filter { $0.name == "content-length" }
        guard lengths.count <= 1 else { throw HTTPError(400, "The request has more than one Content-Length.") }
        var contentLength = 0
        if let text = lengths.first?.value {
            guard !text.isEmpty, text.utf8.count <= 12, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(text) else {
                throw HTTPError(400, "The Content-Length is not a number.")
            }
            contentLength = n
        }
        guard contentLength <= limits.maxBodyBytes else {
            throw HTTPError(413, "The request body is larger than \(limits.maxBodyBytes) bytes.")
        }
        if version == "HTTP/1.1" && headers.filter({ $0.name == "host" }).count != 1 {
            throw HTTPError(400, "An HTTP/1.1 request needs exactly one Host header.")
        }
        return RequestHead(method: method, path: path, query: query, headers: headers, contentLength: contentLength)
    }

    /// An origin-form target: `/path?query`. The path is decoded and checked segment by
    /// segment; it names a page, never a file.
    static func parseTarget(_ target: ArraySlice<UInt8>, limits: HTTPLimits) throws(HTTPError) -> (String, FormData) {
        guard target.first == UInt8(ascii: "/") else { throw HTTPError(400, "The request target must be a path starting with /.") }
        guard !target.contains(where: { $0 <= 0x20 || $0 >= 0x7F || $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "\\") }) else {
            throw HTTPError(400, "The request target holds a character that is not allowed.")
        }
        let q = target.firstIndex(of: UInt8(ascii: "?"))
        let rawPath = target[..<(q ?? target.endIndex)]
        var segments: [String] = []
        for raw in rawPath.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst() {
            let segment = try PercentDecoding.decode(raw, plusIsSpace: false, allowNewlines: false)
            guard segment != ".", segment != "..", !segment.contains("/"), !segment.contains("\\") else {
                throw HTTPError(400, "The path may not contain '.' or '..' segments or encoded slashes.")
            }
            segments.append(segment)
        }
        var query = FormData()
        if let q { query = try FormData.parse(target[(q + 1)...], maxFields: limits.maxFormFields) }
        return ("/" + segments.joined(separator: "/"), query)
    }
}
